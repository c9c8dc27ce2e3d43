package org.reprodiff.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.reprodiff.data.ImageSet;
import org.reprodiff.diffusion.ConsistencyLoss;
import org.reprodiff.diffusion.ConsistencyPrecond;
import org.reprodiff.diffusion.DenoisingLoss;
import org.reprodiff.diffusion.Precond;
import org.reprodiff.diffusion.PrecondDenoiser;
import org.reprodiff.diffusion.RawNetwork;
import org.reprodiff.nn.DiffusionNet;
import org.reprodiff.util.Json;
import org.reprodiff.util.MicroBatches;
import org.reprodiff.util.Progress;
import org.reprodiff.util.Torch;
import org.reprodiff.util.UserException;
import org.reprodiff.util.Version;

/**
 * One training run in a folder: options.json, stats.jsonl, checkpoint.json + checkpoint-STEP.npz, ema.npz.
 * Every random draw of step k (σ, noise, dropout, CT indices, batch order, flips) is a function of (seed, k), and
 * a checkpoint holds model, EMA, Adam moments and counters, so a stopped and resumed run ends bit for bit where
 * an uninterrupted one does. A folder with a checkpoint is resumed (when resume is on) if its options agree.
 */
public final class TrainRun {
    public static final long STREAM_TRAIN = 0x7102;
    public static final long STREAM_CT = 0x7105;
    public static final String OPTIONS = "options.json";
    public static final String STATS = "stats.jsonl";

    private final TrainOptions opts;
    private final ImageSet data;
    private final Path out;
    private final boolean resume;
    private final boolean force;
    private final long stopAfter;
    private final java.util.function.LongConsumer onStep;
    private final int microBatch;
    private volatile boolean stopRequested;
    private final CountDownLatch done = new CountDownLatch(1);

    private TrainRun(Builder b) {
        if (b.data == null || b.out == null) {
            throw new IllegalArgumentException("TrainRun needs data and out");
        }
        this.data = b.data;
        this.out = b.out;
        this.opts = new TrainOptions(b.dataSpec, b.n, b.subsetSeed, b.resize, b.data.identity(), b.arch, b.precond, b.ct,
                b.kimg, b.batch, b.lr, b.warmupKimg, b.emaHalflifeKimg, b.emaRampup, b.dropout, b.clip, b.xflip, b.seed,
                b.maxSkips, b.tickKimg, b.snapshotKimg, b.device);
        this.resume = b.resume;
        this.force = b.force;
        this.stopAfter = b.stopAfter;
        this.onStep = b.onStep;
        this.microBatch = b.microBatch;
    }

    public static Builder builder() {
        return new Builder();
    }

    public TrainOptions options() {
        return opts;
    }

    ImageSet data() {
        return data;
    }

    Path out() {
        return out;
    }

    /** The micro-batch asked for with the builder (0: the network's own). */
    int microBatch() {
        return microBatch;
    }

    /** Asks the loop to stop at the next step boundary and write a checkpoint (e.g. from a shutdown hook). */
    public void requestStop() {
        stopRequested = true;
    }

    /** Waits until run() has returned or thrown. */
    public boolean awaitDone(long millis) throws InterruptedException {
        return done.await(millis, TimeUnit.MILLISECONDS);
    }

    public TrainStats run(boolean showProgress) {
        try {
            return train(showProgress);
        } finally {
            done.countDown();
        }
    }

    JsonNode checkFolder() {
        Path optFile = out.resolve(OPTIONS);
        if (Files.exists(optFile)) {
            if (!resume) {
                throw UserException.of(out, "holds a training run already; add --resume to continue it, or choose another --out");
            }
            JsonNode prev = Json.read(optFile, JsonNode.class);
            JsonNode mine;
            try { // through text, so that number node types match those read from the file
                mine = Json.MAPPER.readTree(Json.toString(opts.fingerprint()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            List<String> diffs = new ArrayList<>();
            for (Iterator<String> it = mine.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!mine.get(k).equals(prev.path("fingerprint").path(k))) {
                    diffs.add(k + " " + prev.path("fingerprint").path(k) + " -> " + mine.get(k));
                }
            }
            if (!diffs.isEmpty() && !force) {
                throw UserException.of(out, "--resume: options differ from the run's (" + String.join("; ", diffs)
                        + "); add --force to continue anyway");
            }
            return diffs.isEmpty() ? prev : null;
        }
        if (Files.isDirectory(out)) {
            try (var s = Files.list(out)) {
                if (s.anyMatch(p -> !p.getFileName().toString().equals(".lock"))) {
                    throw UserException.of(out, "folder is not empty and holds no reprodiff run; choose a new or empty --out");
                }
            } catch (IOException e) {
                throw UserException.of(out, "cannot list: " + e.getMessage());
            }
        } else if (Files.exists(out)) {
            throw UserException.of(out, "not a folder");
        }
        return null;
    }

    private TrainStats train(boolean showProgress) {
        JsonNode existing = checkFolder();
        Path lockFile = out.resolve(".lock");
        try (java.nio.channels.FileChannel ch = lockChannel(lockFile)) {
            java.nio.channels.FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw UserException.of(out, "another reprodiff process is training in this folder");
            }
            try {
                return trainLocked(existing, showProgress);
            } finally {
                lock.release();
                Files.deleteIfExists(lockFile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(lockFile + ": " + e.getMessage(), e);
        }
    }

    static java.nio.channels.FileChannel lockChannel(Path f) throws IOException {
        Files.createDirectories(f.getParent());
        return java.nio.channels.FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    private TrainStats trainLocked(JsonNode existing, boolean showProgress) {
        Torch.useDevice(opts.device());
        long total = opts.totalSteps();
        int batch = opts.batch();
        long seed = opts.seed();
        try (NDManager root = Torch.newManager()) {
            RunState st = RunState.open(this, root);
            DiffusionNet net = st.net();
            FlatParams fp = st.fp();
            List<NDArray> params = List.of(fp.flat());
            List<NDArray> ema = List.of(st.ema());
            Adam adam = st.adam();
            List<NDArray> groups = st.groups();
            Checkpoint.Counters c = st.counters();
            if (existing == null) {
                writeOptions(net, total);
            }
            trimStats(c.step());

            Precond precond = opts.ct() ? new ConsistencyPrecond() : Precond.of(opts.precond());
            // a ParameterStore caches arrays: a fresh one per step sees the views of FlatParams.rebind()
            ParameterStore[] ps = {null};
            RawNetwork raw = (x, cn, training) -> net.forward(ps[0], x, cn, training);
            PrecondDenoiser trainD = new PrecondDenoiser(precond, raw, true);
            BatchOrder order = new BatchOrder(data.size(), batch, seed);
            double huberC = ConsistencyLoss.huberC(data.dim());

            long step = c.step();
            long nimg = c.nimg();
            long skips = c.skips();
            long savedStep = Checkpoint.exists(out) ? step : -1;
            int consecutive = 0;
            double tickImg = (opts.tickKimg() > 0 ? opts.tickKimg() : opts.kimg() / 50) * 1000;
            double snapImg = (opts.snapshotKimg() > 0 ? opts.snapshotKimg() : opts.kimg() / 10) * 1000;
            double tickLoss = 0;
            long tickCount = 0;
            long tickSkips = 0;
            double lastLoss = lastStatsLoss();
            long startNimg = nimg;
            long start = System.nanoTime();
            long tickStart = start;
            long tickNimg = nimg;
            try (Progress bar = showProgress ? new Progress("train", total * batch, "img") : null) {
                while (step < total && !stopRequested && step != stopAfter) {
                    double loss;
                    boolean ok;
                    try (NDManager sub = root.newSubManager()) {
                        fp.rebind();
                        ps[0] = new ParameterStore(root, false);
                        // ops whose first operand is a parameter view put results in its manager: keep those per step
                        sub.tempAttachAll(fp.views());
                        NDArray y = batch(sub, order, step);
                        NDArray lossArr = opts.ct()
                                ? ctLoss(sub, trainD, y, step, total, seed, huberC)
                                : edmLoss(sub, precond, raw, y, step, seed, microBatch > 0 ? microBatch : net.trainingBatch());
                        loss = lossArr.getFloat();
                        List<NDArray> grads = List.of(fp.gradient(sub));
                        double norm = GradNorm.global(grads);
                        ok = Double.isFinite(loss) && Double.isFinite(norm);
                        final long nimgNow = nimg;
                        Nets.noGrad(() -> {
                            if (ok) {
                                adam.step(params, grads, Adam.warmup(opts.lr(), nimgNow + batch, opts.warmupKimg()),
                                        GradNorm.clipScale(norm, opts.clip()));
                                Ema.update(ema, params, Ema.beta(nimgNow, batch, opts.emaHalflifeKimg(), opts.emaRampup()));
                            }
                            fp.zeroGradient();
                        });
                    }
                    long prevNimg = nimg;
                    step++;
                    nimg += batch;
                    if (ok) {
                        consecutive = 0;
                        tickLoss += loss;
                        tickCount++;
                    } else {
                        skips++;
                        tickSkips++;
                        if (++consecutive >= opts.maxSkips()) {
                            throw UserException.of(out, "training stopped: " + consecutive + " consecutive non-finite steps (loss "
                                    + loss + ") at step " + step + "; last good checkpoint kept"
                                    + (savedStep >= 0 ? " (step " + savedStep + ")" : " (none written)"));
                        }
                    }
                    boolean last = step == total;
                    if (crossed(prevNimg, nimg, tickImg) || last) {
                        double now = (System.nanoTime() - start) / 1e9;
                        double rate = (nimg - tickNimg) / Math.max((System.nanoTime() - tickStart) / 1e9, 1e-9);
                        lastLoss = tickCount > 0 ? tickLoss / tickCount : Double.NaN;
                        appendStats(step, nimg, lastLoss, rate, tickSkips, now);
                        tickLoss = 0;
                        tickCount = 0;
                        tickSkips = 0;
                        tickStart = System.nanoTime();
                        tickNimg = nimg;
                    }
                    if (onStep != null) {
                        onStep.accept(step);
                    }
                    if (bar != null) {
                        bar.update(nimg, String.format(Locale.ROOT, "loss %.4f | skipped %d", loss, skips));
                    }
                    if (crossed(prevNimg, nimg, snapImg) && !last && consecutive == 0) { // no snapshot inside a non-finite streak
                        Checkpoint.save(out, fp, groups, new Checkpoint.Counters(step, nimg, adam.steps(), skips), seed,
                                opts.fingerprint());
                        savedStep = step;
                    }
                }
            }
            if (savedStep != step) {
                Checkpoint.save(out, fp, groups, new Checkpoint.Counters(step, nimg, adam.steps(), skips), seed,
                        opts.fingerprint());
            }
            double secs = (System.nanoTime() - start) / 1e9;
            return new TrainStats(out, step, total, nimg, skips, lastLoss, (nimg - startNimg) / Math.max(secs, 1e-9), secs,
                    step >= total);
        }
    }

    static boolean crossed(long before, long after, double every) {
        return every > 0 && Math.floor(after / every) > Math.floor(before / every);
    }

    NDArray batch(NDManager sub, BatchOrder order, long step) {
        NDArray y = data.batch(sub, order.indices(step));
        if (!opts.xflip()) {
            return y;
        }
        boolean[] f = order.flips(step);
        NDArray mask = sub.create(f, new Shape(f.length, 1, 1, 1)).broadcast(y.getShape());
        return NDArrays.where(mask, y.flip(3), y);
    }

    /**
     * σ and n for the whole batch from the (seed, step) generator, then forward + backward in micro-batches of
     * {@code micro} whose gradients accumulate (each weighted by its share of the batch): the same step as one
     * batch up to float rounding, with activations small enough to stay in cache.
     */
    private NDArray edmLoss(NDManager sub, Precond precond, RawNetwork raw, NDArray y, long step, long seed, int micro) {
        synchronized (Torch.RNG_LOCK) {
            Torch.seedRaw(Torch.derive(seed, STREAM_TRAIN, step));
            try (GradientCollector gc = sub.getEngine().newGradientCollector()) {
                DenoisingLoss.Draw draw = DenoisingLoss.draw(precond, y);
                double[] total = {0};
                MicroBatches.forEach(sub, 0, y.getShape().get(0), micro, new NDArray[] {y, draw.sigma(), draw.n()},
                        (part, in, share) -> {
                            NDArray loss = Torch.scale(DenoisingLoss.compute(precond, raw, in[0], in[1], in[2]), (float) share);
                            gc.backward(loss);
                            total[0] += loss.getFloat();
                        });
                return sub.create((float) total[0]);
            }
        }
    }

    private NDArray ctLoss(NDManager sub, PrecondDenoiser f, NDArray y, long step, long total, long seed, double c) {
        ConsistencyLoss ct = ConsistencyLoss.ICT;
        double[] sig = ct.sigmas(ct.scales(step, total));
        int[] idx = ConsistencyLoss.drawIndices(ct.indexProbabilities(sig), (int) y.getShape().get(0),
                new SplittableRandom(Torch.derive(seed, STREAM_CT, step)));
        float[] lo = new float[idx.length];
        float[] hi = new float[idx.length];
        for (int b = 0; b < idx.length; b++) {
            lo[b] = (float) sig[idx[b]];
            hi[b] = (float) sig[idx[b] + 1];
        }
        NDArray sLo = sub.create(lo);
        NDArray sHi = sub.create(hi);
        synchronized (Torch.RNG_LOCK) {
            Torch.seedRaw(Torch.derive(seed, STREAM_TRAIN, step));
            NDArray z = sub.randomNormal(y.getShape());
            NDArray teacher = Nets.noGrad(() -> f.denoise(y.add(z.mul(perSample(sLo, y))), sLo).stopGradient());
            try (GradientCollector gc = sub.getEngine().newGradientCollector()) {
                NDArray student = f.denoise(y.add(z.mul(perSample(sHi, y))), sHi);
                NDArray loss = ConsistencyLoss.loss(student, teacher, sLo, sHi, c);
                gc.backward(loss);
                return loss;
            }
        }
    }

    private static NDArray perSample(NDArray v, NDArray x) {
        return org.reprodiff.diffusion.Denoiser.perSample(v, x);
    }

    void writeOptions(DiffusionNet net, long total) {
        ObjectNode j = Json.object();
        j.put("reprodiff_version", Version.get());
        j.set("options", Json.MAPPER.valueToTree(opts));
        j.set("fingerprint", Json.MAPPER.valueToTree(opts.fingerprint()));
        j.put("dataset", data.name());
        j.put("data_identity", data.identity());
        j.put("images", data.size());
        j.put("channels", data.channels());
        j.put("height", data.height());
        j.put("width", data.width());
        j.put("parameters", net.parameterCount());
        j.put("total_steps", total);
        if (opts.ct()) {
            ConsistencyLoss ct = ConsistencyLoss.ICT;
            ObjectNode s = j.putObject("consistency");
            s.put("variant", "iCT (Song & Dhariwal 2023): no EMA teacher, student under stop-gradient");
            s.put("s0", ct.s0());
            s.put("s1", ct.s1());
            s.put("schedule", "N(k) = min(s0*2^floor(k/K'), s1) + 1, K' = floor(K/(floor(log2(s1/s0))+1))");
            s.put("sigma_min", ct.sigmaMin());
            s.put("sigma_max", ct.sigmaMax());
            s.put("rho", ct.rho());
            s.put("p_mean", ct.pMean());
            s.put("p_std", ct.pStd());
            s.put("sigma_data", 0.5);
            s.put("huber_c", ConsistencyLoss.huberC(data.dim()));
            s.put("weight", "1/(sigma_{i+1} - sigma_i)");
        }
        j.put("created", java.time.Instant.now().toString());
        Json.write(out.resolve(OPTIONS), j);
    }

    void appendStats(long step, long nimg, double loss, double rate, long skipped, double wall) {
        ObjectNode j = Json.object();
        j.put("step", step);
        j.put("kimg", nimg / 1000.0);
        j.put("loss", loss);
        j.put("img_per_s", Math.round(rate * 10) / 10.0);
        j.put("skipped", skipped);
        j.put("wall", Math.round(wall * 100) / 100.0);
        try {
            Files.writeString(out.resolve(STATS), Json.toLine(j) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(out.resolve(STATS) + ": cannot write: " + e.getMessage(), e);
        }
    }

    /** On resume, drops stats lines written after the checkpoint's step (they will be written again). */
    void trimStats(long step) {
        Path f = out.resolve(STATS);
        if (!Files.exists(f)) {
            return;
        }
        try {
            List<String> keep = new ArrayList<>();
            for (String line : Files.readAllLines(f)) {
                if (!line.isBlank() && Json.MAPPER.readTree(line).path("step").asLong(Long.MAX_VALUE) <= step) {
                    keep.add(line);
                }
            }
            org.reprodiff.util.AtomicFiles.writeString(f, keep.isEmpty() ? "" : String.join("\n", keep) + "\n");
        } catch (IOException e) {
            throw UserException.of(f, "cannot read: " + e.getMessage());
        }
    }

    double lastStatsLoss() {
        Path f = out.resolve(STATS);
        try {
            List<String> lines = Files.exists(f) ? Files.readAllLines(f) : List.of();
            return lines.isEmpty() ? Double.NaN : Json.MAPPER.readTree(lines.get(lines.size() - 1)).path("loss").asDouble(Double.NaN);
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    /** Options with the defaults of `reprodiff train`. data, arch, kimg, batch, seed and out are needed. */
    public static final class Builder {
        private ImageSet data;
        private String dataSpec;
        private Integer n;
        private Long subsetSeed;
        private Integer resize;
        private String arch;
        private String precond;
        private boolean ct;
        private double kimg;
        private int batch;
        private double lr = 2e-3;
        private double warmupKimg = 0;
        private double emaHalflifeKimg = 500;
        private double emaRampup = 0.05;
        private double dropout = 0;
        private double clip = 0;
        private boolean xflip;
        private long seed;
        private int maxSkips = 10;
        private double tickKimg = 0;
        private double snapshotKimg = 0;
        private String device = "cpu";
        private Path out;
        private boolean resume = true;
        private boolean force;
        private long stopAfter = -1;
        private java.util.function.LongConsumer onStep;
        private int microBatch;

        public Builder data(ImageSet v) { data = v; return this; }
        /** How the CLI made the data (recorded in options.json only). */
        public Builder dataSpec(String spec, Integer n, Long subsetSeed, Integer resize) {
            dataSpec = spec; this.n = n; this.subsetSeed = subsetSeed; this.resize = resize; return this;
        }
        public Builder arch(String v) { arch = v; return this; }
        public Builder precond(String v) { precond = v; return this; }
        public Builder ct(boolean v) { ct = v; return this; }
        public Builder kimg(double v) { kimg = v; return this; }
        public Builder batch(int v) { batch = v; return this; }
        public Builder lr(double v) { lr = v; return this; }
        public Builder warmupKimg(double v) { warmupKimg = v; return this; }
        public Builder emaHalflifeKimg(double v) { emaHalflifeKimg = v; return this; }
        public Builder emaRampup(double v) { emaRampup = v; return this; }
        public Builder dropout(double v) { dropout = v; return this; }
        public Builder clip(double v) { clip = v; return this; }
        public Builder xflip(boolean v) { xflip = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder maxSkips(int v) { maxSkips = v; return this; }
        public Builder tickKimg(double v) { tickKimg = v; return this; }
        public Builder snapshotKimg(double v) { snapshotKimg = v; return this; }
        public Builder device(String v) { device = v; return this; }
        public Builder out(Path v) { out = v; return this; }
        /** Continue a run found in out (default true; the CLI sets it from --resume). */
        public Builder resume(boolean v) { resume = v; return this; }
        public Builder force(boolean v) { force = v; return this; }
        /** Stop (with a checkpoint) once this many steps are done, as an interruption would; -1 = never. */
        public Builder stopAfterSteps(long v) { stopAfter = v; return this; }

        /** Called on the training thread after every step with the number of steps done. */
        public Builder onStep(java.util.function.LongConsumer v) { onStep = v; return this; }

        /** Micro-batch of the gradient accumulation (default 0: the network's {@code trainingBatch()}). */
        Builder microBatch(int v) { microBatch = v; return this; }

        public TrainRun build() {
            return new TrainRun(this);
        }
    }
}
