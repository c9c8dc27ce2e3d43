package org.reprodiff.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.reprodiff.util.Torch;

/**
 * The built-in `shapes` set: one coloured disc, square or triangle on a plain background per image, 3×S×S with
 * S in {16, 28, 32}. Each image comes from a {@link Latent} (kept, so the set has a known ground truth); the
 * label is the shape kind (0 disc, 1 square, 2 triangle). Latents are drawn in order from one
 * SplittableRandom(seed), so a smaller n is a prefix of a larger one. Rasterized in PyTorch with a signed
 * distance and 1-px anti-aliasing, then quantized to the 8-bit grid (like a decoded PNG).
 */
public record Shapes(int size, int n, long seed, List<Latent> latents, ImageSet images) {
    public static final int DEFAULT_SIZE = 32;
    public static final int DEFAULT_N = 10000;

    public enum Kind { DISC, SQUARE, TRIANGLE }

    /** RGB in [0, 1]. */
    public record Rgb(float r, float g, float b) {}

    /**
     * One image's parameters, in pixels with y pointing down: centre (cx, cy); size = disc radius (square
     * half-side = 0.85·size, triangle circumradius = 1.25·size); rotation in radians (0 for discs; a
     * triangle at rotation 0 points up).
     */
    public record Latent(Kind kind, Rgb color, Rgb background, double cx, double cy, double size, double rotation) {}

    public static String identity(int size, int n, long seed) {
        return "shapes:size=" + size + ",n=" + n + ",seed=" + seed;
    }

    public static Shapes generate(int size, int n, long seed) {
        if (size != 16 && size != 28 && size != 32) {
            throw new IllegalArgumentException("shapes: size must be 16, 28 or 32, got " + size);
        }
        if (n <= 0) {
            throw new IllegalArgumentException("shapes: n must be positive, got " + n);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        List<Latent> latents = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            latents.add(draw(rng, size));
        }
        float[] data = rasterize(latents, size);
        int[] labels = latents.stream().mapToInt(l -> l.kind().ordinal()).toArray();
        ImageSet images = new ImageSet("shapes", identity(size, n, seed), 3, size, size, data, labels);
        return new Shapes(size, n, seed, List.copyOf(latents), images);
    }

    static Latent draw(SplittableRandom rng, int side) {
        Kind kind = Kind.values()[rng.nextInt(3)];
        boolean darkBg = rng.nextBoolean();
        Rgb bg = hsv(rng.nextDouble(), rng.nextDouble(0, 0.35), darkBg ? rng.nextDouble(0.08, 0.3) : rng.nextDouble(0.8, 0.97));
        Rgb fg = hsv(rng.nextDouble(), rng.nextDouble(0.6, 1.0), darkBg ? rng.nextDouble(0.8, 1.0) : rng.nextDouble(0.4, 0.7));
        double s = rng.nextDouble(0.17, 0.30) * side;
        double margin = 1.25 * s + 0.5;
        double cx = rng.nextDouble(margin, side - margin);
        double cy = rng.nextDouble(margin, side - margin);
        double rot = switch (kind) {
            case DISC -> 0.0;
            case SQUARE -> rng.nextDouble(0, Math.PI / 2);
            case TRIANGLE -> rng.nextDouble(0, 2 * Math.PI / 3);
        };
        return new Latent(kind, fg, bg, cx, cy, s, rot);
    }

    static Rgb hsv(double h, double s, double v) {
        double c = v * s;
        double hp = h * 6;
        double x = c * (1 - Math.abs(hp % 2 - 1));
        double[] rgb = switch ((int) hp % 6) {
            case 0 -> new double[] {c, x, 0};
            case 1 -> new double[] {x, c, 0};
            case 2 -> new double[] {0, c, x};
            case 3 -> new double[] {0, x, c};
            case 4 -> new double[] {x, 0, c};
            default -> new double[] {c, 0, x};
        };
        double m = v - c;
        return new Rgb((float) (rgb[0] + m), (float) (rgb[1] + m), (float) (rgb[2] + m));
    }

    /**
     * Signed distance d (pixels, negative inside) → coverage clip(0.5 − d, 0, 1) → mix of the two colours,
     * rounded to the 8-bit grid. In PyTorch, in batches of one shape kind.
     */
    static float[] rasterize(List<Latent> latents, int side) {
        int n = latents.size();
        int dim = 3 * side * side;
        float[] out = new float[n * dim];
        float[] coords = new float[side];
        for (int j = 0; j < side; j++) {
            coords[j] = j + 0.5f;
        }
        try (NDManager m = Torch.newManager()) {
            NDArray xs = m.create(coords, new Shape(1, 1, side));
            NDArray ys = m.create(coords, new Shape(1, side, 1));
            for (Kind kind : Kind.values()) {
                int[] idx = IntStream.range(0, n).filter(i -> latents.get(i).kind() == kind).toArray();
                for (int start = 0; start < idx.length; start += BATCH) {
                    int[] part = Arrays.copyOfRange(idx, start, Math.min(idx.length, start + BATCH));
                    try (NDManager sub = m.newSubManager()) {
                        float[] img = rasterize(sub, kind, part, latents, xs, ys);
                        for (int b = 0; b < part.length; b++) {
                            System.arraycopy(img, b * dim, out, part[b] * dim, dim);
                        }
                    }
                }
            }
        }
        return out;
    }

    private static final int BATCH = 2048;

    private static float[] rasterize(NDManager m, Kind kind, int[] part, List<Latent> latents, NDArray xs, NDArray ys) {
        int n = part.length;
        float[][] p = new float[5][n];
        float[] fg = new float[n * 3];
        float[] bg = new float[n * 3];
        for (int i = 0; i < n; i++) {
            Latent l = latents.get(part[i]);
            p[0][i] = (float) l.cx();
            p[1][i] = (float) l.cy();
            p[2][i] = (float) Math.cos(l.rotation());
            p[3][i] = (float) Math.sin(l.rotation());
            p[4][i] = (float) l.size();
            float[] f = {l.color().r(), l.color().g(), l.color().b()};
            float[] b = {l.background().r(), l.background().g(), l.background().b()};
            for (int c = 0; c < 3; c++) {
                bg[3 * i + c] = b[c] * 255f;
                fg[3 * i + c] = (f[c] - b[c]) * 255f;
            }
        }
        Shape col = new Shape(n, 1, 1);
        NDArray s = m.create(p[4], col);
        NDArray dx = xs.sub(m.create(p[0], col));
        NDArray dy = ys.sub(m.create(p[1], col));
        NDArray d;
        if (kind == Kind.DISC) {
            d = dx.square().add(dy.square()).sqrt().sub(s);
        } else {
            NDArray cos = m.create(p[2], col);
            NDArray sin = m.create(p[3], col);
            NDArray u = cos.mul(dx).add(sin.mul(dy));
            NDArray v = cos.mul(dy).sub(sin.mul(dx));
            if (kind == Kind.SQUARE) {
                NDArray a = s.mul(0.85f);
                NDArray qx = u.abs().sub(a);
                NDArray qy = v.abs().sub(a);
                d = qx.maximum(0).square().add(qy.maximum(0).square()).sqrt().add(qx.maximum(qy).minimum(0));
            } else {
                float k = (float) Math.sqrt(3) / 2;
                NDArray half = v.mul(0.5f);
                NDArray ku = u.mul(k);
                d = v.maximum(ku.sub(half)).maximum(ku.neg().sub(half)).sub(s.mul(0.625f));
            }
        }
        NDArray cover = d.neg().add(0.5f).clip(0, 1).expandDims(1);
        NDArray img = cover.mul(m.create(fg, new Shape(n, 3, 1, 1))).add(m.create(bg, new Shape(n, 3, 1, 1)));
        return img.round().div(127.5f).sub(1).toFloatArray();
    }
}
