package org.reprodiff.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.reprodiff.nn.DiffusionNet;

/**
 * A run's training state in memory: its seeded network bound to one flat buffer, the EMA, Adam's moments and the
 * counters, from its checkpoint where the folder has one. Shared by {@link TrainRun} and {@link Ensemble}, so that
 * an ensemble's member starts exactly where its solo run would.
 */
record RunState(DiffusionNet net, FlatParams fp, NDArray ema, Adam adam, List<NDArray> groups, Checkpoint.Counters counters) {

    static RunState open(TrainRun run, NDManager root) {
        TrainOptions opts = run.options();
        var data = run.data();
        DiffusionNet net = Nets.build(opts.arch(), data.channels(), data.height(), data.width(), opts.dropout(), opts.seed(), root);
        FlatParams fp = FlatParams.bind(net, root);
        List<String> names = fp.names();
        NDArray ema = Nets.noGrad(() -> {
            NDArray d = fp.flat().duplicate();
            d.setRequiresGradient(false);
            return d;
        });
        Adam adam = new Adam(root, List.of(fp.flat()));
        List<NDArray> groups = List.of(fp.flat(), ema, adam.firstMoments().get(0), adam.secondMoments().get(0));
        Checkpoint.Counters c = new Checkpoint.Counters(0, 0, 0, 0);
        if (Checkpoint.exists(run.out())) {
            Checkpoint.Loaded ck = Checkpoint.load(run.out(), names, fp.shapes());
            Nets.noGrad(() -> {
                for (int g = 0; g < groups.size(); g++) {
                    float[] all = new float[Math.toIntExact(fp.size())];
                    for (int i = 0; i < names.size(); i++) {
                        float[] v = ck.values().get(Checkpoint.GROUPS.get(g) + "." + names.get(i));
                        System.arraycopy(v, 0, all, (int) fp.offsets()[i], v.length);
                    }
                    Nets.assign(groups.get(g), all);
                }
            });
            c = ck.counters();
            adam.setSteps(c.adamSteps());
        }
        return new RunState(net, fp, ema, adam, groups, c);
    }
}
