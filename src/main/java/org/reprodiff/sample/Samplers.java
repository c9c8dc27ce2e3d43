package org.reprodiff.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Locale;
import org.reprodiff.diffusion.Denoiser;
import org.reprodiff.util.Torch;
import org.reprodiff.util.UserException;

/**
 * The samplers, as small functions over a {@link Denoiser}, all in EDM's σ form (x = x₀ + σ·n).
 * Each step runs in its own sub-manager; only the state survives it.
 */
public final class Samplers {
    public static final List<String> NAMES = List.of("euler", "heun", "ddim", "dpmpp2m", "edm-stochastic", "euler-ancestral");
    /** Noise streams for {@link Torch#derive}: step noise of sample seed s at step i. */
    public static final long STREAM_CHURN = 0x43485552L;
    public static final long STREAM_ANCESTRAL = 0x414E4345L;

    private Samplers() {}

    /** EDM's stochastic sampler settings (Algorithm 2): S_churn, S_tmin, S_tmax, S_noise. */
    public record Churn(double sChurn, double sTmin, double sTmax, double sNoise) {
        /** EDM's ImageNet-64 settings. */
        public static final Churn DEFAULT = new Churn(40, 0.05, 50, 1.003);

        public Churn {
            if (!(sChurn >= 0) || !(sTmin >= 0) || !(sTmax >= sTmin) || !(sNoise > 0)) {
                throw new UserException("--s-churn/--s-tmin/--s-tmax/--s-noise: need S_churn >= 0, 0 <= S_tmin <= S_tmax, S_noise > 0");
            }
        }
    }

    public static Sampler byName(String name) {
        return byName(name, Churn.DEFAULT);
    }

    public static Sampler byName(String name, Churn churn) {
        switch (name == null ? "" : name.toLowerCase(Locale.ROOT)) {
            case "euler":
                return simple("euler", Samplers::euler);
            case "heun":
                return new EdmHeun("heun", new Churn(0, 0, Double.POSITIVE_INFINITY, 1));
            case "ddim":
                return simple("ddim", Samplers::ddim);
            case "dpmpp2m":
                return simple("dpmpp2m", Samplers::dpmpp2m);
            case "edm-stochastic":
                return new EdmHeun("edm-stochastic", churn);
            case "euler-ancestral":
                return new Sampler() {
                    public String name() {
                        return "euler-ancestral";
                    }

                    public int evaluations(double[] s) {
                        return s.length - 1;
                    }

                    public boolean stochastic() {
                        return true;
                    }

                    public NDArray sample(Denoiser d, NDArray z, double[] s, SamplerContext c) {
                        return eulerAncestral(d, z, s, c);
                    }
                };
            default:
                throw new UserException("--sampler: unknown sampler '" + name + "' (expected " + String.join(", ", NAMES) + ")");
        }
    }

    interface Fn {
        NDArray sample(Denoiser d, NDArray z, double[] s, SamplerContext c);
    }

    private static Sampler simple(String name, Fn fn) {
        return new Sampler() {
            public String name() {
                return name;
            }

            public int evaluations(double[] s) {
                return s.length - 1;
            }

            public NDArray sample(Denoiser d, NDArray z, double[] s, SamplerContext c) {
                return fn.sample(d, z, s, c);
            }
        };
    }

    /** D(x; σ) with x float64 (B, ...): the network sees float32, the result is float64 in x's manager. */
    public static NDArray denoise(Denoiser d, NDArray x, double sigma) {
        NDArray x32 = x.toType(DataType.FLOAT32, false);
        NDArray s = x.getManager().full(new Shape(x.getShape().get(0)), (float) sigma);
        NDArray out = d.denoise(x32, s);
        return out.toType(DataType.FLOAT64, false);
    }

    /** x_T = σ_0·z in float64, in z's manager. */
    static NDArray start(NDArray z, double sigma0) {
        return z.toType(DataType.FLOAT64, true).muli(sigma0);
    }


    /** Euler on dx/dσ = (x − D(x;σ))/σ: x' = x·σ'/σ + D·(1 − σ'/σ). */
    public static NDArray euler(Denoiser d, NDArray z, double[] s, SamplerContext ctx) {
        NDManager parent = z.getManager();
        NDArray x = start(z, s[0]);
        for (int i = 0; i + 1 < s.length; i++) {
            try (NDManager sub = parent.newSubManager()) {
                x.attach(sub);
                double r = s[i + 1] / s[i];
                NDArray den = denoise(d, x, s[i]);
                x = x.muli(r).addi(den.muli(1 - r));
                x.attach(parent);
            }
            ctx.onStep().accept(i);
        }
        return x;
    }

    /**
     * DDIM (η = 0) in its own VP-scaled form: x_vp = x/√(1+σ²), ᾱ = 1/(1+σ²),
     * ε̂ = (x_vp − √ᾱ·x̂₀)/√(1−ᾱ), x_vp' = √ᾱ'·x̂₀ + √(1−ᾱ')·ε̂, x' = x_vp'·√(1+σ'²). Equals Euler in σ.
     */
    public static NDArray ddim(Denoiser d, NDArray z, double[] s, SamplerContext ctx) {
        NDManager parent = z.getManager();
        NDArray x = start(z, s[0]);
        for (int i = 0; i + 1 < s.length; i++) {
            try (NDManager sub = parent.newSubManager()) {
                x.attach(sub);
                double ab = 1 / (1 + s[i] * s[i]);
                double abN = 1 / (1 + s[i + 1] * s[i + 1]);
                NDArray x0 = denoise(d, x, s[i]);
                NDArray xvp = x.muli(Math.sqrt(ab));
                NDArray eps = xvp.subi(x0.mul(Math.sqrt(ab))).divi(Math.sqrt(1 - ab));
                x = x0.muli(Math.sqrt(abN)).addi(eps.muli(Math.sqrt(1 - abN))).divi(Math.sqrt(abN));
                x.attach(parent);
            }
            ctx.onStep().accept(i);
        }
        return x;
    }

    /**
     * DPM-Solver++(2M) (Lu et al. 2022), data prediction, in t = −ln σ; first order on the first step and on
     * the last step to σ = 0 (x = D(x; σ_min) there).
     */
    public static NDArray dpmpp2m(Denoiser d, NDArray z, double[] s, SamplerContext ctx) {
        NDManager parent = z.getManager();
        NDArray x = start(z, s[0]);
        NDArray old = null;
        for (int i = 0; i + 1 < s.length; i++) {
            try (NDManager sub = parent.newSubManager()) {
                x.attach(sub);
                if (old != null) {
                    old.attach(sub);
                }
                NDArray den = denoise(d, x, s[i]);
                if (s[i + 1] == 0) {
                    x = den.duplicate();
                } else {
                    double h = Math.log(s[i] / s[i + 1]);
                    double c = -Math.expm1(-h);
                    NDArray target = den;
                    if (old != null) {
                        double r = Math.log(s[i - 1] / s[i]) / h;
                        target = den.mul(1 + 1 / (2 * r)).subi(old.mul(1 / (2 * r)));
                    }
                    x = x.muli(s[i + 1] / s[i]).addi(target == den ? den.mul(c) : target.muli(c));
                }
                old = den;
                x.attach(parent);
                old.attach(parent);
            }
            ctx.onStep().accept(i);
        }
        if (old != null) {
            old.close();
        }
        return x;
    }

    /** EDM Algorithm 2: Heun with optional churn; no correction on a step to σ = 0. */
    static final class EdmHeun implements Sampler {
        private final String name;
        private final Churn churn;

        EdmHeun(String name, Churn churn) {
            this.name = name;
            this.churn = churn;
        }

        public String name() {
            return name;
        }

        public Churn churn() {
            return churn;
        }

        public boolean stochastic() {
            return churn.sChurn() > 0;
        }

        public int evaluations(double[] s) {
            int n = s.length - 1;
            return s[n] == 0 ? 2 * n - 1 : 2 * n;
        }

        public NDArray sample(Denoiser d, NDArray z, double[] s, SamplerContext ctx) {
            NDManager parent = z.getManager();
            NDArray x = start(z, s[0]);
            int n = s.length - 1;
            for (int i = 0; i < n; i++) {
                try (NDManager sub = parent.newSubManager()) {
                    x.attach(sub);
                    double sc = s[i];
                    double gamma = churn.sChurn() > 0 && sc >= churn.sTmin() && sc <= churn.sTmax()
                            ? Math.min(churn.sChurn() / n, Math.sqrt(2) - 1) : 0;
                    double sh = sc * (1 + gamma);
                    if (gamma > 0) {
                        NDArray eps = stepNoise(sub, ctx.seeds(), x.getShape(), STREAM_CHURN, i);
                        x = x.addi(eps.muli(Math.sqrt(sh * sh - sc * sc) * churn.sNoise()));
                    }
                    double sn = s[i + 1];
                    double h = sn - sh;
                    NDArray dx = x.sub(denoise(d, x, sh)).divi(sh);
                    NDArray xn = x.add(dx.mul(h));
                    if (sn != 0) {
                        NDArray dx2 = xn.sub(denoise(d, xn, sn)).divi(sn);
                        xn = x.addi(dx.addi(dx2).muli(h / 2));
                    }
                    x = xn;
                    x.attach(parent);
                }
                ctx.onStep().accept(i);
            }
            return x;
        }
    }

    /** Ancestral Euler (η = 1, as k-diffusion): a deterministic step to σ_down, then fresh noise of σ_up. */
    public static NDArray eulerAncestral(Denoiser d, NDArray z, double[] s, SamplerContext ctx) {
        NDManager parent = z.getManager();
        NDArray x = start(z, s[0]);
        for (int i = 0; i + 1 < s.length; i++) {
            try (NDManager sub = parent.newSubManager()) {
                x.attach(sub);
                double sc = s[i];
                double sn = s[i + 1];
                double up = Math.min(sn, Math.sqrt(Math.max(0, sn * sn * (sc * sc - sn * sn) / (sc * sc))));
                double down = Math.sqrt(Math.max(0, sn * sn - up * up));
                double r = down / sc;
                NDArray den = denoise(d, x, sc);
                x = x.muli(r).addi(den.muli(1 - r));
                if (up > 0) {
                    x = x.addi(stepNoise(sub, ctx.seeds(), x.getShape(), STREAM_ANCESTRAL, i).muli(up));
                }
                x.attach(parent);
            }
            ctx.onStep().accept(i);
        }
        return x;
    }

    /** Standard normal float64 (B, ...): sample b's noise at step i from seed derive(seeds[b], stream, i). */
    public static NDArray stepNoise(NDManager m, long[] seeds, Shape batchShape, long stream, int step) {
        if (seeds == null || seeds.length != batchShape.get(0)) {
            throw new IllegalArgumentException("a stochastic sampler needs one seed per sample");
        }
        Shape per = batchShape.slice(1);
        NDList parts = new NDList(seeds.length);
        synchronized (Torch.RNG_LOCK) {
            for (long seed : seeds) {
                Torch.seedRaw(Torch.derive(seed, stream, step));
                parts.add(m.randomNormal(per));
            }
        }
        return NDArrays.stack(parts).toType(DataType.FLOAT64, false);
    }
}
