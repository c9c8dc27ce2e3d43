package org.reprodiff.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import org.reprodiff.util.Cpu;
import org.reprodiff.util.Json;
import org.reprodiff.util.Torch;
import org.reprodiff.util.TuningCache;

/**
 * The GL search's block shape (query rows × training columns of one similarity block), measured where it runs
 * and cached per (CPU, threads, descriptor width) in {@code search.json} under {@link org.reprodiff.util.Caches#root}.
 * The best shape depends on the width and the CPU: on a 2-core Zen 5 (10000 × 60000, fp32, 2 threads) 4096 × 1024
 * beat 1024 × 4096 by about 5% at 784-d pixels (2.86-2.97 s against 3.00-3.17 s, four interleaved rounds), and at
 * the learned detector's 128-d 2048 × 1024 and 4096 × 1024 took 0.47 s against 0.51-0.56 s: with few columns of K
 * the product's output traffic, not its arithmetic, sets the pace, and taller blocks reuse each packed training
 * block over more queries.
 *
 * <p>Every candidate writes at most 16 MiB of similarities: the launcher's glibc mmap threshold is 32 MiB, and a
 * block at or above it is mapped and page-faulted afresh every time (a 2048 × 4096 block ran at half the speed).
 * Timing: three interleaved rounds on a 4096 × 8192 problem of the real width, the minimum per candidate (the
 * VM's neighbours only ever slow a round down), and the default stays unless another is 5% faster.
 */
public final class SearchTuning {
    public static final String FILE = "search.json";
    /** The default first: kept unless a candidate beats it clearly. */
    static final int[][] CANDIDATES = {{1024, 4096}, {2048, 2048}, {2048, 1024}, {4096, 1024}, {1024, 1024}};
    /** Searches smaller than this many multiply-adds (about 0.1 s here) use the default without measuring. */
    static final double MIN_WORK = 3e10;
    private static final int ROWS = 4096;
    private static final int COLS = 8192;

    private SearchTuning() {}

    /** {rows, cols} for a search of q rows against n training rows of width dim (measured for float32 on the CPU only). */
    public static int[] blocks(long q, long n, long dim, ai.djl.ndarray.types.DataType type) {
        if ((double) q * n * dim < MIN_WORK || type != ai.djl.ndarray.types.DataType.FLOAT32
                || !ai.djl.Device.Type.CPU.equals(Torch.device().getDeviceType())) {
            return CANDIDATES[0];
        }
        String key = String.format(Locale.ROOT, "%s | %d threads | width %d float32", Cpu.describe(), Torch.threads(), dim);
        ObjectNode e = TuningCache.entry(FILE, key, SearchTuning::valid, () -> measure((int) dim));
        return new int[] {e.get("rows").asInt(), e.get("cols").asInt()};
    }

    private static boolean valid(com.fasterxml.jackson.databind.JsonNode e) {
        for (int[] c : CANDIDATES) {
            if (e.path("rows").asInt() == c[0] && e.path("cols").asInt() == c[1]) {
                return true;
            }
        }
        return false;
    }

    private static ObjectNode measure(int dim) {
        double[] best = new double[CANDIDATES.length];
        java.util.Arrays.fill(best, Double.POSITIVE_INFINITY);
        try (NDManager m = Torch.newManager()) {
            NDArray q;
            NDArray t;
            synchronized (Torch.RNG_LOCK) {
                Torch.seedRaw(7);
                q = m.randomNormal(new Shape(ROWS, dim));
                t = m.randomNormal(new Shape(COLS, dim));
            }
            Scores.maxSimilarity(q.get("0:256"), t, 256, 1024); // first-call costs stay out of the timings
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < CANDIDATES.length; i++) {
                    long t0 = System.nanoTime();
                    Scores.maxSimilarity(q, t, CANDIDATES[i][0], CANDIDATES[i][1]);
                    best[i] = Math.min(best[i], (System.nanoTime() - t0) / 1e9);
                }
            }
        }
        int chosen = 0;
        for (int i = 1; i < CANDIDATES.length; i++) {
            if (best[i] < 0.95 * best[0] && best[i] < best[chosen]) {
                chosen = i;
            }
        }
        ObjectNode entry = Json.object();
        entry.put("rows", CANDIDATES[chosen][0]);
        entry.put("cols", CANDIDATES[chosen][1]);
        ObjectNode seconds = entry.putObject("seconds");
        for (int i = 0; i < CANDIDATES.length; i++) {
            seconds.put(CANDIDATES[i][0] + "x" + CANDIDATES[i][1], Math.round(best[i] * 1e5) / 1e5);
        }
        return entry;
    }
}
