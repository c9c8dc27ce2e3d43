package org.reprodiff.train;

import java.util.SplittableRandom;
import org.reprodiff.data.ImageSet;
import org.reprodiff.util.Torch;

/**
 * Which images form step k's batch, as a function of (seed, k): image g = k·B + b of the stream is
 * perm_e[g mod N] with e = g div N and perm_e the permutation of SplittableRandom(derive(seed, ORDER, e)).
 * Horizontal flips are drawn per step from SplittableRandom(derive(seed, FLIP, k)).
 */
public final class BatchOrder {
    public static final long STREAM_ORDER = 0x7103;
    public static final long STREAM_FLIP = 0x7104;
    private final int n;
    private final int batch;
    private final long seed;
    private long cachedEpoch = -1;
    private int[] cached;

    public BatchOrder(int n, int batch, long seed) {
        this.n = n;
        this.batch = batch;
        this.seed = seed;
    }

    public int[] indices(long step) {
        int[] out = new int[batch];
        for (int b = 0; b < batch; b++) {
            long g = step * batch + b;
            out[b] = permutation(g / n)[(int) (g % n)];
        }
        return out;
    }

    public boolean[] flips(long step) {
        SplittableRandom r = new SplittableRandom(Torch.derive(seed, STREAM_FLIP, step));
        boolean[] f = new boolean[batch];
        for (int b = 0; b < batch; b++) {
            f[b] = r.nextBoolean();
        }
        return f;
    }

    private int[] permutation(long epoch) {
        if (epoch != cachedEpoch) {
            cached = ImageSet.permutation(n, Torch.derive(seed, STREAM_ORDER, epoch));
            cachedEpoch = epoch;
        }
        return cached;
    }
}
