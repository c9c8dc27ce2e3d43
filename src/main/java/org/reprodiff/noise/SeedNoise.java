package org.reprodiff.noise;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.reprodiff.util.Torch;

/**
 * Per-seed noise: for seed s, torch.manual_seed(s mod 2^32); torch.randn(shape) on CPU, bit for bit.
 * Each sample draws its own, so a sample's noise does not depend on the batch it is in.
 */
public final class SeedNoise {
    private SeedNoise() {}

    /** Noise for one seed, shape {@code shape}, float32. */
    public static NDArray of(NDManager m, long seed, Shape shape) {
        synchronized (Torch.RNG_LOCK) {
            Torch.seed(seed);
            return m.randomNormal(shape);
        }
    }

    /** Stacked noise (B, shape...) for seeds, one generator per seed. */
    public static NDArray batch(NDManager m, long[] seeds, Shape shape) {
        try (NDManager sub = m.newSubManager()) {
            NDList parts = new NDList(seeds.length);
            for (long s : seeds) {
                parts.add(of(sub, s, shape));
            }
            NDArray out = ai.djl.ndarray.NDArrays.stack(parts);
            out.attach(m);
            return out;
        }
    }

}
