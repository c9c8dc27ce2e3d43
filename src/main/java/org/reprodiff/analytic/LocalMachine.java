package org.reprodiff.analytic;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.reprodiff.data.ImageSet;
import org.reprodiff.diffusion.Denoiser;
import org.reprodiff.util.UserException;

/**
 * The local closed-form denoisers (REFERENCE §9), in EDM's σ form, over a training set y and a patch size P(σ):
 * <ul>
 * <li>{@code ls}: each pixel p has its own posterior over the training images from the window Ω(p) at the same
 * place, D(x)(p) = Σ_y y(p)·softmax_y(−‖x_Ω(p) − y_Ω(p)‖²/2σ²);</li>
 * <li>{@code els}: the candidates are every window of every training image (N·H·W), the output their centre;</li>
 * <li>{@code bbels}: as els, but a window touching the border matches only windows with the same overlap with
 * the padding (the same row when it is within P/2 of the top or bottom, the same column likewise);</li>
 * <li>{@code pspc}: the square patch posterior of Niedoba et al.: for every window inside the image, the
 * posterior mean of the whole window over the windows at the same place, averaged over the windows covering
 * each pixel (P above the image side means the whole image).</li>
 * </ul>
 * Windows are zero-padded at the borders (Kamb's "zeros" mode). All four share one exact float64 softmax:
 * logits (a·c − ½‖c‖²)/σ² (‖a‖² cancels in each softmax) with a normaliser per output pixel. The unfolded
 * training windows are built per call in table chunks of {@code tableBytes}, so memory stays bounded for any N,
 * and chunks merge by their log-sum-exp ({@link SoftmaxStream}). On the CPU each chunk goes through PyTorch's
 * fused attention kernel ({@link FusedSoftmax}); the composed form ({@link #composed()}: the logits as matrix
 * products in row and candidate blocks that fit {@code logitsBytes}, then softmax) is its reference.
 */
public final class LocalMachine implements Denoiser, AutoCloseable {
    public enum Kind { LS, ELS, BBELS, PSPC }

    /** Unfolded training windows held at once (float64 table, values and the unfold's copy). */
    public static final long TABLE_BYTES = 256L << 20;
    private final NDManager manager;
    private final NDArray train; // (N, C, H, W) float32
    private final Kind kind;
    private final PatchSchedule schedule;
    private final long logitsBytes;
    private final long tableBytes;
    private final int n;
    private final int c;
    private final int h;
    private final int w;
    private final String identity;
    private boolean composed;

    public LocalMachine(ImageSet data, Kind kind, PatchSchedule schedule, NDManager parent) {
        this(data, kind, schedule, parent, EmpiricalOptimum.LOGITS_BYTES, TABLE_BYTES);
    }

    /** The byte budgets size every chunk (tests shrink them to force many chunks). */
    public LocalMachine(ImageSet data, Kind kind, PatchSchedule schedule, NDManager parent, long logitsBytes,
            long tableBytes) {
        this.manager = parent.newSubManager();
        this.kind = kind;
        this.schedule = schedule;
        this.logitsBytes = logitsBytes;
        this.tableBytes = tableBytes;
        this.n = data.size();
        this.c = data.channels();
        this.h = data.height();
        this.w = data.width();
        this.identity = data.identity();
        this.train = data.all(manager);
    }

    /**
     * Evaluates with the composed float64 form (logits as matrix products, PyTorch's softmax, chunks merged by
     * {@link SoftmaxStream}) instead of {@link FusedSoftmax}: the reference the fused kernel is tested against,
     * and the form off the CPU.
     */
    public LocalMachine composed() {
        composed = true;
        return this;
    }

    private boolean fused(NDArray x) {
        return !composed && FusedSoftmax.appliesTo(x);
    }

    public Kind kind() {
        return kind;
    }

    public PatchSchedule schedule() {
        return schedule;
    }

    /** Shape (C, H, W) of the training images, which queries must have. */
    public Shape shape() {
        return new Shape(c, h, w);
    }

    @Override
    public NDArray denoise(NDArray x, NDArray sigma) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || s.get(1) != c || s.get(2) != h || s.get(3) != w) {
            throw new UserException(describe() + ": x has shape " + s + ", the training images (B, " + c + ", "
                    + h + ", " + w + ")");
        }
        float[] sg = sigma.toFloatArray();
        Map<Integer, List<Integer>> byPatch = new LinkedHashMap<>();
        for (int i = 0; i < sg.length; i++) {
            byPatch.computeIfAbsent(schedule.patchFor(sg[i]), k -> new ArrayList<>()).add(i);
        }
        NDManager m = x.getManager();
        if (byPatch.size() == 1) {
            return evaluate(x, sigma, byPatch.keySet().iterator().next(), m);
        }
        // samples whose σ asks for different patches (a batch with mixed noise levels): one pass per patch
        try (NDManager call = m.newSubManager()) {
            NDList outs = new NDList();
            long[] order = new long[sg.length];
            int k = 0;
            for (var e : byPatch.entrySet()) {
                long[] idx = e.getValue().stream().mapToLong(Integer::longValue).toArray();
                NDArray sel = call.create(idx);
                NDArray xs = x.get(sel);
                NDArray ss = sigma.get(sel);
                xs.attach(call);
                ss.attach(call);
                outs.add(evaluate(xs, ss, e.getKey(), call));
                for (long i : idx) {
                    order[(int) i] = k++;
                }
            }
            NDArray out = NDArrays.concat(outs).get(call.create(order));
            out.attach(m);
            return out;
        }
    }

    /** D(x; σ) at a given patch size, whatever the schedule says (calibration tries several). */
    public NDArray denoiseAt(NDArray x, NDArray sigma, int p) {
        PatchSchedule.check(p, describe());
        return evaluate(x, sigma, p, x.getManager());
    }

    private NDArray evaluate(NDArray x, NDArray sigma, int p, NDManager target) {
        long b = x.getShape().get(0);
        try (NDManager call = target.newSubManager()) {
            NDArray xd = x.toType(DataType.FLOAT64, true);
            xd.attach(call);
            NDArray inv = sigma.toType(DataType.FLOAT64, true);
            inv.attach(call);
            inv = inv.pow(-2).reshape(b, 1, 1);
            NDArray out = switch (kind) {
                case ELS, BBELS -> equivariant(xd, inv, p, call);
                case LS -> positional(xd, inv, p, true, call);
                case PSPC -> positional(xd, inv, Math.min(p, Math.min(h, w)), false, call);
            };
            NDArray res = out.toType(DataType.FLOAT32, false);
            res.attach(target);
            return res;
        }
    }

    /** Rows per query block and training images per candidate chunk, for the logits budget. */
    static long[] blocks(long rows, long groups, long perImage, long budgetBytes) {
        long cells = Math.max(1, budgetBytes / Double.BYTES / groups);
        long r = Math.min(rows, Math.max(1, (long) Math.sqrt((double) cells)));
        long images = Math.max(1, cells / (r * perImage));
        r = Math.min(rows, Math.max(1, cells / (images * perImage)));
        return new long[] {r, images};
    }

    /** Training images whose unfolded windows fit the table budget. */
    private long tableImages(long windows, long k) {
        long perImage = windows * (2 * (k + 1) + c + 1) * Double.BYTES;
        return Math.max(1, tableBytes / perImage);
    }

    private NDArray chunk(long a, long z, NDManager m) {
        NDArray view = train.get(new NDIndex("{}:{}", a, z)); // born in the machine's manager: move it out at once
        view.attach(m);
        return view.toType(DataType.FLOAT64, false);
    }

    /** A slice of a, owned by the chunk's manager (a result joins its receiver's manager otherwise). */
    private static NDArray view(NDArray a, NDManager m, String index, long from, long to) {
        NDArray v = a.get(new NDIndex(index, from, to));
        v.attach(m);
        return v;
    }

    /** [a, ½‖a‖²] along the last axis: the candidate side of the logits. */
    private static NDArray withHalfNorm(NDArray t) {
        int last = t.getShape().dimension() - 1;
        return t.concat(t.square().sum(new int[] {last}, true).muli(0.5), last);
    }

    /** [v, 1] along the last axis: the values, with the weights' sum beside them. */
    private static NDArray withOnes(NDArray v) {
        Shape s = v.getShape();
        long[] one = s.getShape().clone();
        one[one.length - 1] = 1;
        return v.concat(v.getManager().ones(new Shape(one), DataType.FLOAT64), s.dimension() - 1);
    }

    /** Training images per table chunk of the fused form: candidates and values, E wide, and the unfold's copy. */
    private long fusedTableImages(long windows, long e) {
        return Math.max(1, tableBytes / (windows * (3 * e + 1) * Double.BYTES));
    }

    /** A table chunk's candidates (G, M, E) and values (G, M, V+1), from its training images y (nu of them). */
    private interface FusedTable {
        NDArray[] build(NDArray y, long nu);
    }

    /**
     * Queries q (G, R, E) against every table chunk, one fused pass each (values zero-padded to E, the kernel's
     * width), merged by log-sum-exp: the softmax-weighted mean (G, R, V).
     */
    private NDArray fusedMean(NDArray q, long windows, FusedTable table, NDManager call) {
        long e = q.getShape().get(2);
        SoftmaxStream stream = new SoftmaxStream(call);
        long per = fusedTableImages(windows, e);
        for (long u = 0; u < n; u += per) {
            try (NDManager tab = call.newSubManager()) {
                NDArray y = chunk(u, Math.min(n, u + per), tab);
                NDArray[] kv = table.build(y, y.getShape().get(0));
                Shape vs = kv[1].getShape();
                long vw = vs.get(2);
                NDArray v = kv[1].concat(tab.zeros(new Shape(vs.get(0), vs.get(1), e - vw), DataType.FLOAT64), 2);
                NDList r = FusedSoftmax.attend(q, kv[0], v);
                stream.merge(r.get(0).get(new NDIndex(":, :, :{}", vw)), r.get(1));
            }
        }
        NDArray mean = stream.mean(call);
        stream.close();
        return mean;
    }

    /** [a·σ⁻², −σ⁻²] against [c, ½‖c‖²] (BBELS: and the border codes), one fused pass per table chunk. */
    private NDArray equivariantFused(NDArray xd, NDArray inv, int p, NDManager call) {
        long b = xd.getShape().get(0);
        long hw = (long) h * w;
        long k = (long) c * p * p;
        NDArray[] codes = kind == Kind.BBELS ? BorderClasses.codes(h, w, p, call) : null;
        long e = k + 1 + (codes == null ? 0 : codes[0].getShape().get(1));
        NDList qs = new NDList(Patches.unfold(xd, p, true).mul(inv), inv.neg().broadcast(new Shape(b, hw, 1)));
        if (codes != null) {
            qs.add(codes[0].expandDims(0).broadcast(new Shape(b, hw, e - k - 1)));
        }
        NDArray q = NDArrays.concat(qs, 2).reshape(1, b * hw, e);
        NDArray mean = fusedMean(q, hw, (y, nu) -> {
            NDArray cand = withHalfNorm(Patches.unfold(y, p, true).reshape(nu * hw, k));
            if (codes != null) {
                cand = cand.concat(codes[1].tile(new long[] {nu, 1}), 1);
            }
            NDArray v = withOnes(y.reshape(nu, c, hw).transpose(0, 2, 1).reshape(nu * hw, c));
            return new NDArray[] {cand.expandDims(0), v.expandDims(0)};
        }, call);
        return mean.reshape(b, h, w, c).transpose(0, 3, 1, 2);
    }

    private NDArray equivariant(NDArray xd, NDArray inv, int p, NDManager call) {
        if (fused(xd)) {
            return equivariantFused(xd, inv, p, call);
        }
        long b = xd.getShape().get(0);
        long hw = (long) h * w;
        long k = (long) c * p * p;
        NDArray q = Patches.unfold(xd, p, true).mul(inv); // (b, HW, K)·σ⁻²
        q = q.concat(inv.neg().broadcast(new Shape(b, hw, 1)), 2).reshape(b * hw, k + 1);
        NDArray bias = kind == Kind.BBELS ? BorderClasses.bias(h, w, p, call) : null;
        long[] blk = blocks(b * hw, 1, hw, logitsBytes);
        List<SoftmaxStream> streams = new ArrayList<>();
        for (long r = 0; r < b * hw; r += blk[0]) {
            streams.add(new SoftmaxStream(call));
        }
        long per = Math.max(blk[1], tableImages(hw, k) / blk[1] * blk[1]);
        for (long u = 0; u < n; u += per) {
            try (NDManager tab = call.newSubManager()) {
                NDArray y = chunk(u, Math.min(n, u + per), tab);
                long nu = y.getShape().get(0);
                // stored transposed (K+1, M): a float64 product with a transposed view as its right side was
                // measured 40× slower than with a plain one (23 vs 0.6 ns a logit)
                NDArray t = withHalfNorm(Patches.unfold(y, p, true).reshape(nu * hw, k)).transpose().duplicate();
                NDArray v = withOnes(y.reshape(nu, c, hw).transpose(0, 2, 1).reshape(nu * hw, c));
                for (int s = 0; s < streams.size(); s++) {
                    long r0 = s * blk[0];
                    long r1 = Math.min(b * hw, r0 + blk[0]);
                    for (long a = 0; a < nu; a += blk[1]) {
                        long a1 = Math.min(nu, a + blk[1]);
                        try (NDManager step = tab.newSubManager()) {
                            NDArray qs = view(q, step, "{}:{}", r0, r1);
                            NDArray logits = qs.matMul(view(t, step, ":, {}:{}", a * hw, a1 * hw));
                            if (bias != null) { // rows are (sample, pixel); the pixel picks its class's row
                                NDArray rows = step.arange((int) r0, (int) r1).toType(DataType.INT64, false).mod(hw);
                                NDArray br = bias.get(rows);
                                br.attach(step);
                                logits = logits.reshape(r1 - r0, a1 - a, hw).addi(br.expandDims(1)) // in place: a view
                                        .reshape(r1 - r0, (a1 - a) * hw);
                            }
                            streams.get(s).add(logits, view(v, step, "{}:{}", a * hw, a1 * hw));
                        }
                    }
                }
            }
        }
        NDList means = new NDList();
        for (SoftmaxStream st : streams) {
            means.add(st.mean(call));
            st.close();
        }
        return NDArrays.concat(means).reshape(b, h, w, c).transpose(0, 3, 1, 2);
    }

    /**
     * ls (pad: every pixel's window, value its centre) and pspc (valid windows, value the whole window): one
     * group per window place, the candidates of a group the N training windows at that place, as batched
     * matrix products (groups × queries × images).
     */
    private NDArray positional(NDArray xd, NDArray inv, int p, boolean pad, NDManager call) {
        long b = xd.getShape().get(0);
        NDArray q = Patches.unfold(xd, p, pad).mul(inv); // (b, L, K)
        long l = q.getShape().get(1);
        q = q.concat(inv.neg().broadcast(new Shape(b, l, 1)), 2).transpose(1, 0, 2); // (L, b, K+1)
        NDArray mean = fused(xd) ? positionalFused(q, p, pad, call) : positionalComposed(q, p, pad, call); // (b, L, V)
        if (pad) {
            return mean.transpose(0, 2, 1).reshape(b, c, h, w);
        }
        NDArray rows = call.create(Patches.coverCount(h, p)).reshape(h, 1);
        NDArray cols = call.create(Patches.coverCount(w, p)).reshape(1, w);
        return Patches.foldValid(mean, c, h, w, p).div(rows.mul(cols));
    }

    /** One fused pass per table chunk, the window places as the kernel's heads: q (L, b, K+1) → (b, L, V). */
    private NDArray positionalFused(NDArray q, int p, boolean pad, NDManager call) {
        long l = q.getShape().get(0);
        NDArray mean = fusedMean(q, l, (y, nu) -> {
            NDArray raw = Patches.unfold(y, p, pad).transpose(1, 0, 2); // (L, nu, K)
            NDArray v = withOnes(pad ? y.reshape(nu, c, l).transpose(2, 0, 1) : raw); // (L, nu, V+1)
            return new NDArray[] {withHalfNorm(raw), v};
        }, call);
        return mean.transpose(1, 0, 2);
    }

    private NDArray positionalComposed(NDArray q, int p, boolean pad, NDManager call) {
        long l = q.getShape().get(0);
        long b = q.getShape().get(1);
        long k = q.getShape().get(2) - 1;
        long[] blk = blocks(b, l, 1, logitsBytes);
        List<SoftmaxStream> streams = new ArrayList<>();
        for (long r = 0; r < b; r += blk[0]) {
            streams.add(new SoftmaxStream(call));
        }
        long per = Math.max(blk[1], tableImages(l, k) / blk[1] * blk[1]);
        for (long u = 0; u < n; u += per) {
            try (NDManager tab = call.newSubManager()) {
                NDArray y = chunk(u, Math.min(n, u + per), tab);
                long nu = y.getShape().get(0);
                NDArray raw = Patches.unfold(y, p, pad).transpose(1, 0, 2); // (L, nu, K)
                NDArray t = withHalfNorm(raw);
                NDArray v = withOnes(pad ? y.reshape(nu, c, l).transpose(2, 0, 1) : raw); // (L, nu, V)
                for (int s = 0; s < streams.size(); s++) {
                    long r0 = s * blk[0];
                    long r1 = Math.min(b, r0 + blk[0]);
                    for (long a = 0; a < nu; a += blk[1]) {
                        long a1 = Math.min(nu, a + blk[1]);
                        try (NDManager step = tab.newSubManager()) {
                            NDArray qs = view(q, step, ":, {}:{}", r0, r1);
                            NDArray logits = qs.matMul(view(t, step, ":, {}:{}", a, a1).transpose(0, 2, 1));
                            streams.get(s).add(logits, view(v, step, ":, {}:{}", a, a1));
                        }
                    }
                }
            }
        }
        NDList means = new NDList();
        for (SoftmaxStream st : streams) {
            means.add(st.mean(call));
            st.close();
        }
        return NDArrays.concat(means, 1).transpose(1, 0, 2); // (b, L, V)
    }

    /** Arrays the machine's own manager holds (tests: a call must not add any). */
    int held() {
        return manager.getManagedArrays().size();
    }

    @Override
    public String describe() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + "[" + identity + ", " + schedule.describe() + "]";
    }

    @Override
    public void close() {
        manager.close();
    }
}
