package org.reprodiff.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.reprodiff.diffusion.DenoisingLoss;
import org.reprodiff.diffusion.Precond;
import org.reprodiff.diffusion.RawNetwork;
import org.reprodiff.nn.Architectures;
import org.reprodiff.nn.DiffusionNet;
import org.reprodiff.util.MicroBatches;
import org.reprodiff.util.Progress;
import org.reprodiff.util.Torch;
import org.reprodiff.util.UserException;

/**
 * K training runs of one UNet architecture trained as one network (its members: {@code nn.UNet} with K members),
 * so that small models, bound by the cost per op, pay for one op where K solo runs pay for K. Each member keeps
 * everything of its solo run: seed and initialisation, data subset, batch order, σ and noise draws (the same
 * (seed, step) functions), step budget and run folder, which is a normal one ({@code sample} and {@code score}
 * cannot tell). The loss is the sum of the members' mean losses, so each member's gradient is its solo gradient;
 * Adam and EMA are elementwise, so one update of the stacked buffer is K solo updates.
 *
 * <p>What grouping needs ({@link #incompatible}): the same architecture, batch, learning rate, warm-up, EMA,
 * preconditioning, data shape, and step and Adam counters; EDM losses only (no consistency training), no dropout
 * (its masks come from one generator) and no clipping (the norm would be the group's). A non-finite step in any
 * member is skipped for all. A member whose budget ends leaves: it is saved, and the rest are regrouped.
 */
public final class Ensemble {
    private final List<TrainRun> runs;
    private volatile boolean stopRequested;
    private java.util.function.DoubleConsumer onProgress;

    private Ensemble(List<TrainRun> runs) {
        this.runs = List.copyOf(runs);
    }

    /** The runs as one ensemble; IllegalArgumentException with {@link #incompatible}'s reason if they cannot be. */
    public static Ensemble of(List<TrainRun> runs) {
        String why = incompatible(runs);
        if (why != null) {
            throw new IllegalArgumentException(why);
        }
        return new Ensemble(runs);
    }

    /** Why these runs cannot train as one ensemble, or null if they can (before their checkpoints are read). */
    public static String incompatible(List<TrainRun> runs) {
        if (runs.isEmpty()) {
            return "no runs";
        }
        TrainOptions a = runs.get(0).options();
        var d = runs.get(0).data();
        for (TrainRun r : runs) {
            TrainOptions o = r.options();
            if (!Architectures.ensembles(o.arch())) {
                return o.arch() + " does not train as an ensemble (UNets only)";
            }
            if (o.ct() || o.dropout() > 0 || o.clip() > 0 || !"cpu".equals(o.device())) {
                return r.out() + ": consistency training, dropout, clipping or a GPU (ensembles take none)";
            }
            if (!key(o).equals(key(a))) {
                return r.out() + ": architecture, batch, lr, warm-up, EMA or preconditioning differ from " + runs.get(0).out();
            }
            if (r.data().channels() != d.channels() || r.data().height() != d.height() || r.data().width() != d.width()) {
                return r.out() + ": data shape differs from " + runs.get(0).out();
            }
        }
        return null;
    }

    /** What the members of one ensemble must share: architecture, batch, lr, warm-up, EMA and preconditioning. */
    public static String key(TrainOptions o) {
        return String.join("|", o.arch(), String.valueOf(o.batch()), String.valueOf(o.lr()), String.valueOf(o.warmupKimg()),
                String.valueOf(o.emaHalflifeKimg()), String.valueOf(o.emaRampup()), String.valueOf(o.precond()));
    }

    /** Called after every step with the fraction of all members' images done. */
    public Ensemble onProgress(java.util.function.DoubleConsumer f) {
        onProgress = f;
        return this;
    }

    /** Asks the loop to stop at the next step boundary and checkpoint every member. */
    public void requestStop() {
        stopRequested = true;
    }

    /** Trains every member to its budget (or until stopped); one TrainStats per run, in order. */
    public List<TrainStats> run(boolean showProgress) {
        List<JsonNode> existing = new ArrayList<>();
        for (TrainRun r : runs) {
            existing.add(r.checkFolder());
        }
        List<FileChannel> channels = new ArrayList<>();
        List<FileLock> locks = new ArrayList<>();
        try {
            for (TrainRun r : runs) {
                FileChannel ch = TrainRun.lockChannel(r.out().resolve(".lock"));
                channels.add(ch);
                FileLock lock;
                try {
                    lock = ch.tryLock();
                } catch (java.nio.channels.OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock == null) {
                    throw UserException.of(r.out(), "another reprodiff process is training in this folder");
                }
                locks.add(lock);
            }
            return trainLocked(existing, showProgress);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (int i = 0; i < channels.size(); i++) {
                try {
                    if (i < locks.size()) {
                        locks.get(i).release();
                    }
                    channels.get(i).close();
                    Files.deleteIfExists(runs.get(i).out().resolve(".lock"));
                } catch (IOException e) {
                    // the lock goes with the process anyway
                }
            }
        }
    }

    private List<TrainStats> trainLocked(List<JsonNode> existing, boolean showProgress) {
        Torch.useDevice("cpu");
        try (NDManager root = Torch.newManager()) {
            List<Member> all = new ArrayList<>();
            for (int i = 0; i < runs.size(); i++) {
                TrainRun r = runs.get(i);
                RunState st = RunState.open(r, root);
                if (existing.get(i) == null) {
                    r.writeOptions(st.net(), r.options().totalSteps());
                }
                r.trimStats(st.counters().step());
                all.add(new Member(r, st));
            }
            Checkpoint.Counters c0 = all.get(0).state.counters();
            for (Member m : all) {
                Checkpoint.Counters c = m.state.counters();
                if (c.step() != c0.step() || c.adamSteps() != c0.adamSteps()) {
                    throw UserException.of(m.run.out(), "is at step " + c.step() + " and " + all.get(0).run.out() + " at step "
                            + c0.step() + ": an ensemble's members must resume from the same step (train them alone)");
                }
            }
            long totalImg = 0;
            for (Member m : all) {
                totalImg += m.total * m.run.options().batch();
            }
            List<Member> active = new ArrayList<>();
            for (Member m : all) {
                if (m.step < m.total) {
                    active.add(m);
                }
            }
            long start = System.nanoTime();
            try (Progress bar = showProgress ? new Progress("train " + all.size() + " as one", totalImg, "img") : null) {
                while (!active.isEmpty() && !stopRequested) {
                    try (Group g = new Group(active, root)) {
                        g.trainUntilOneEnds(all, bar, start);
                        g.unstackAll();
                    }
                    List<Member> still = new ArrayList<>();
                    for (Member m : active) {
                        if (m.step >= m.total) {
                            m.save();
                        } else {
                            still.add(m);
                        }
                    }
                    active = still;
                }
            }
            for (Member m : active) { // stopped: every member keeps its place
                if (m.savedStep != m.step) {
                    m.save();
                }
            }
            double secs = (System.nanoTime() - start) / 1e9;
            List<TrainStats> out = new ArrayList<>();
            for (Member m : all) {
                out.add(new TrainStats(m.run.out(), m.step, m.total, m.nimg, m.skips, m.lastLoss,
                        (m.nimg - m.startNimg) / Math.max(secs, 1e-9), secs, m.step >= m.total));
            }
            return out;
        }
    }

    /** One member's state and counters, as TrainRun keeps them for a solo run. */
    private static final class Member {
        final TrainRun run;
        final RunState state;
        final BatchOrder order;
        final long total;
        final long startNimg;
        final double tickImg;
        final double snapImg;
        long step;
        long nimg;
        long skips;
        long savedStep;
        long adamSteps;
        double lastLoss;
        double tickLoss;
        long tickCount;
        long tickSkips;
        long tickStart = System.nanoTime();
        long tickNimg;

        Member(TrainRun run, RunState state) {
            this.run = run;
            this.state = state;
            TrainOptions o = run.options();
            order = new BatchOrder(run.data().size(), o.batch(), o.seed());
            total = o.totalSteps();
            step = state.counters().step();
            nimg = state.counters().nimg();
            skips = state.counters().skips();
            adamSteps = state.counters().adamSteps();
            startNimg = nimg;
            tickNimg = nimg;
            savedStep = Checkpoint.exists(run.out()) ? step : -1;
            lastLoss = run.lastStatsLoss();
            tickImg = (o.tickKimg() > 0 ? o.tickKimg() : o.kimg() / 50) * 1000;
            snapImg = (o.snapshotKimg() > 0 ? o.snapshotKimg() : o.kimg() / 10) * 1000;
        }

        /** Writes the member's checkpoint from its own state (unstack it from the group first). */
        void save() {
            state.adam().setSteps(adamSteps);
            Checkpoint.save(run.out(), state.fp(), state.groups(), new Checkpoint.Counters(step, nimg, adamSteps, skips),
                    run.options().seed(), run.options().fingerprint());
            savedStep = step;
        }
    }

    /** The active members stacked into one network, until one of them ends (or a stop). */
    private final class Group implements AutoCloseable {
        final List<Member> members;
        final int k;
        final NDManager gm;
        final DiffusionNet net;
        final FlatParams fp;
        final NDArray ema;
        final Adam adam;
        final List<NDArray> buffers;
        final long[][] memberIndex;
        final Precond precond;
        final int micro;

        Group(List<Member> members, NDManager root) {
            this.members = List.copyOf(members);
            k = members.size();
            gm = root.newSubManager();
            TrainRun r0 = members.get(0).run;
            var d = r0.data();
            net = Architectures.createEnsemble(r0.options().arch(), d.channels(), d.height(), k);
            synchronized (Torch.RNG_LOCK) { // values are replaced by the members' below
                net.initialize(gm, DataType.FLOAT32, new Shape(1, (long) k * d.channels(), d.height(), d.width()));
            }
            fp = FlatParams.bind(net, gm);
            FlatParams solo = members.get(0).state.fp();
            check(solo);
            memberIndex = new long[k][];
            long[] stack = new long[Math.toIntExact(fp.size())];
            long p = solo.size();
            for (int m = 0; m < k; m++) {
                memberIndex[m] = new long[Math.toIntExact(p)];
            }
            for (int i = 0; i < solo.names().size(); i++) {
                long o = solo.offsets()[i];
                long n = solo.offsets()[i + 1] - o;
                for (int m = 0; m < k; m++) {
                    for (long j = 0; j < n; j++) {
                        long g = k * o + m * n + j; // parameter i of the group: its members' pieces in turn
                        stack[(int) g] = m * p + o + j;
                        memberIndex[m][(int) (o + j)] = g;
                    }
                }
            }
            ema = Nets.noGrad(() -> {
                NDArray e = fp.flat().duplicate();
                e.setRequiresGradient(false);
                return e;
            });
            adam = new Adam(gm, List.of(fp.flat()));
            buffers = List.of(fp.flat(), ema, adam.firstMoments().get(0), adam.secondMoments().get(0));
            Nets.noGrad(() -> {
                try (NDManager tmp = gm.newSubManager(); NDArray idx = tmp.create(stack)) {
                    for (int b = 0; b < buffers.size(); b++) {
                        NDList parts = new NDList(k);
                        for (Member m : members) {
                            parts.add(m.state.groups().get(b));
                        }
                        NDArray cat = NDArrays.concat(parts);
                        cat.attach(tmp);
                        NDArray v = cat.take(idx);
                        buffers.get(b).muli(0).addi(v);
                    }
                }
            });
            adam.setSteps(members.get(0).adamSteps); // equal in all: checked at the start, then counted together
            precond = Precond.of(r0.options().precond());
            int soloMicro = r0.microBatch() > 0 ? r0.microBatch() : members.get(0).state.net().trainingBatch();
            micro = Math.max(1, soloMicro / k);
        }

        /** The group's parameters must be the members' under the same names, each k times as many rows. */
        private void check(FlatParams solo) {
            if (!fp.names().equals(solo.names())) {
                throw new IllegalStateException("ensemble parameters " + fp.names() + " differ from a member's " + solo.names());
            }
            for (int i = 0; i < solo.names().size(); i++) {
                long[] s = solo.shapes().get(i);
                long[] g = fp.shapes().get(i);
                boolean ok = s.length == g.length && g[0] == k * s[0];
                for (int j = 1; ok && j < s.length; j++) {
                    ok = s[j] == g[j];
                }
                if (!ok) {
                    throw new IllegalStateException("ensemble parameter " + solo.names().get(i) + " is not " + k + " members'");
                }
            }
        }

        /** Copies member m's slice of every buffer into its own state (for a checkpoint or a regrouping). */
        void unstack(int m) {
            Nets.noGrad(() -> {
                try (NDManager tmp = gm.newSubManager(); NDArray idx = tmp.create(memberIndex[m])) {
                    for (int b = 0; b < buffers.size(); b++) {
                        NDArray v = buffers.get(b).take(idx);
                        v.attach(tmp);
                        members.get(m).state.groups().get(b).muli(0).addi(v);
                    }
                }
            });
            members.get(m).adamSteps = adam.steps();
        }

        void unstackAll() {
            for (int m = 0; m < k; m++) {
                unstack(m);
            }
        }

        void trainUntilOneEnds(List<Member> all, Progress bar, long start) {
            TrainOptions o = members.get(0).run.options();
            int batch = o.batch();
            int maxSkips = Integer.MAX_VALUE;
            for (Member m : members) {
                maxSkips = Math.min(maxSkips, m.run.options().maxSkips());
            }
            int consecutive = 0;
            ParameterStore[] ps = {null};
            RawNetwork raw = (x, cn, training) -> memberMajor(net.forward(ps[0], groupMajor(x), cn.reshape(k, -1).transpose(), training));
            boolean ended = false;
            while (!ended && !stopRequested) {
                double[] losses;
                boolean ok;
                long nimgBefore = members.get(0).nimg;
                try (NDManager sub = gm.newSubManager()) {
                    fp.rebind();
                    ps[0] = new ParameterStore(gm, false);
                    sub.tempAttachAll(fp.views());
                    losses = loss(sub, raw);
                    List<NDArray> grads = List.of(fp.gradient(sub));
                    double norm = GradNorm.global(grads);
                    boolean finite = Double.isFinite(norm);
                    for (double l : losses) {
                        finite &= Double.isFinite(l);
                    }
                    ok = finite;
                    Nets.noGrad(() -> {
                        if (ok) {
                            adam.step(List.of(fp.flat()), grads, Adam.warmup(o.lr(), nimgBefore + batch, o.warmupKimg()), 1);
                            Ema.update(List.of(ema), List.of(fp.flat()), Ema.beta(nimgBefore, batch, o.emaHalflifeKimg(), o.emaRampup()));
                        }
                        fp.zeroGradient();
                    });
                }
                consecutive = ok ? 0 : consecutive + 1;
                if (consecutive >= maxSkips) {
                    throw UserException.of(members.get(0).run.out(), "training stopped: " + consecutive
                            + " consecutive non-finite steps in an ensemble of " + k + " at step " + (members.get(0).step + 1));
                }
                for (int m = 0; m < k; m++) {
                    Member me = members.get(m);
                    long prev = me.nimg;
                    me.step++;
                    me.nimg += batch;
                    if (ok) {
                        me.tickLoss += losses[m];
                        me.tickCount++;
                    } else {
                        me.skips++;
                        me.tickSkips++;
                    }
                    boolean last = me.step == me.total;
                    if (TrainRun.crossed(prev, me.nimg, me.tickImg) || last) {
                        double rate = (me.nimg - me.tickNimg) / Math.max((System.nanoTime() - me.tickStart) / 1e9, 1e-9);
                        me.lastLoss = me.tickCount > 0 ? me.tickLoss / me.tickCount : Double.NaN;
                        me.run.appendStats(me.step, me.nimg, me.lastLoss, rate, me.tickSkips, (System.nanoTime() - start) / 1e9);
                        me.tickLoss = 0;
                        me.tickCount = 0;
                        me.tickSkips = 0;
                        me.tickStart = System.nanoTime();
                        me.tickNimg = me.nimg;
                    }
                    if (TrainRun.crossed(prev, me.nimg, me.snapImg) && !last && consecutive == 0) {
                        unstack(m);
                        me.save();
                    }
                    ended |= last;
                }
                long done = 0;
                long totalImg = 0;
                for (Member me : all) {
                    done += me.nimg;
                    totalImg += me.total * me.run.options().batch();
                }
                if (bar != null) {
                    bar.update(done, String.format(Locale.ROOT, "%d members | loss %.4f", k, mean(losses)));
                }
                if (onProgress != null) {
                    onProgress.accept((double) done / totalImg);
                }
            }
        }

        /**
         * Each member's batch, σ and n as its solo run draws them at its step, stacked (B, K, …), then forward and
         * backward in micro-batches over B; returns each member's mean loss.
         */
        private double[] loss(NDManager sub, RawNetwork raw) {
            NDList ys = new NDList(k);
            NDList sigmas = new NDList(k);
            NDList ns = new NDList(k);
            synchronized (Torch.RNG_LOCK) {
                for (Member m : members) {
                    NDArray y = m.run.batch(sub, m.order, m.step);
                    Torch.seedRaw(Torch.derive(m.run.options().seed(), TrainRun.STREAM_TRAIN, m.step));
                    DenoisingLoss.Draw d = DenoisingLoss.draw(precond, y);
                    ys.add(y);
                    sigmas.add(d.sigma());
                    ns.add(d.n());
                }
            }
            NDArray[] stacked = {NDArrays.stack(ys, 1), NDArrays.stack(sigmas, 1), NDArrays.stack(ns, 1)};
            double[] losses = new double[k];
            long b = stacked[0].getShape().get(0);
            try (GradientCollector gc = sub.getEngine().newGradientCollector()) {
                MicroBatches.forEach(sub, 0, b, micro, stacked, (part, in, share) -> {
                    NDArray err = DenoisingLoss.weightedError(precond, raw, flatMembers(in[0]), flatMembers(in[1]), flatMembers(in[2]));
                    NDArray perMember = err.reshape(k, -1).mean(new int[] {1});
                    gc.backward(Torch.scale(perMember.sum(), (float) share));
                    float[] l = perMember.toFloatArray();
                    for (int m = 0; m < k; m++) {
                        losses[m] += l[m] * share;
                    }
                });
            }
            return losses;
        }

        /** (b, K, …) → (K·b, …), member-major: each member's rows together, as its solo batch. */
        private NDArray flatMembers(NDArray a) {
            Shape s = a.getShape();
            int[] axes = new int[s.dimension()];
            for (int i = 0; i < axes.length; i++) {
                axes[i] = i;
            }
            axes[0] = 1;
            axes[1] = 0;
            long[] dims = new long[s.dimension() - 1];
            dims[0] = s.get(0) * k;
            for (int i = 2; i < s.dimension(); i++) {
                dims[i - 1] = s.get(i);
            }
            return a.transpose(axes).reshape(new Shape(dims));
        }

        /** (K·b, C, H, W) member-major → (b, K·C, H, W), the group network's input. */
        private NDArray groupMajor(NDArray x) {
            Shape s = x.getShape();
            return x.reshape(k, s.get(0) / k, s.get(1), s.get(2), s.get(3)).transpose(1, 0, 2, 3, 4)
                    .reshape(s.get(0) / k, k * s.get(1), s.get(2), s.get(3));
        }

        /** The inverse of {@link #groupMajor}. */
        private NDArray memberMajor(NDArray f) {
            Shape s = f.getShape();
            long c = s.get(1) / k;
            return f.reshape(s.get(0), k, c, s.get(2), s.get(3)).transpose(1, 0, 2, 3, 4).reshape(s.get(0) * k, c, s.get(2), s.get(3));
        }

        @Override
        public void close() {
            gm.close();
        }
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }
}
