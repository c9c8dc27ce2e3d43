package org.reprodiff.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Locale;
import org.reprodiff.analytic.LocalMachine;
import org.reprodiff.analytic.PatchSchedule;
import org.reprodiff.data.Datasets;
import org.reprodiff.data.ImageSet;
import org.reprodiff.noise.SeedNoise;
import org.reprodiff.sample.SamplerContext;
import org.reprodiff.sample.Samplers;
import org.reprodiff.sample.SigmaGrid;

/**
 * The ELS machine as the issue sizes it: N = 4096 Fashion-MNIST images at 16×16 (about a million candidate
 * windows), 64 samples, 18 Euler steps, P = 5, 3 and 9 (quick: 16 samples, 2 steps). FLOPs counted are the
 * two float64 products per logit (2·(C·P²+1) for the logits, 2·(C+1) for the weighted sums), against the fp32
 * peak of the same run as the issue asks; the exponentials are not counted (nor the fused kernel's zero-padded
 * value columns). P = 5 runs again in the composed form, as the peer.
 */
final class TheoryBench {
    private TheoryBench() {}

    static void run(Bench b, NDManager root) {
        ImageSet train = Datasets.load("fashion-mnist", "train", 16, null).subset(4096, 0);
        int q = b.quick() ? 16 : 64;
        int steps = b.quick() ? 2 : 18;
        long[] seeds = new long[q];
        for (int i = 0; i < q; i++) {
            seeds[i] = 100000 + i;
        }
        double[] sigmas = SigmaGrid.edm(steps, 80, 0.002, 7);
        var euler = Samplers.byName("euler");
        // P = 5 once more in the composed form (float64 products, PyTorch's softmax): the fused kernel's peer
        for (int pass = 0; pass < 4; pass++) {
            int p = new int[] {5, 3, 9, 5}[pass];
            boolean composed = pass == 3;
            try (NDManager m = root.newSubManager();
                    LocalMachine els = new LocalMachine(train, LocalMachine.Kind.ELS, PatchSchedule.fixed(p), m)) {
                if (composed) {
                    els.composed();
                }
                NDArray z = SeedNoise.batch(m, seeds, train.shape());
                Timing t = Timing.measure(0, 1, () -> {
                    try (NDManager run = m.newSubManager()) {
                        NDArray zz = z.duplicate();
                        zz.attach(run);
                        euler.sample(els, zz, sigmas, SamplerContext.of(seeds)).attach(run);
                    }
                });
                double hw = train.height() * train.width();
                double logits = (double) q * hw * train.size() * hw * steps;
                double flops = logits * (2.0 * (train.channels() * p * p + 1) + 2.0 * (train.channels() + 1));
                b.add(Figure.rate("theory", String.format(Locale.ROOT, "ELS N=%d 16², P=%d, %d samples, %d Euler steps%s",
                        train.size(), p, q, steps, composed ? ", composed form" : ""), "samples/s", q, flops, t, b.peak32(), "≥ 50% of fp32 peak",
                        String.format(Locale.ROOT, "fp64 logits, %s, %.2f ns/logit, %.0f s",
                                composed ? "matmul + softmax" : "fused attention kernel", t.median() / logits * 1e9,
                                t.median())));
            }
        }
    }
}
