package org.reprodiff.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.reprodiff.util.Cpu;
import org.reprodiff.util.Torch;

/** The measured roofline: GFLOP/s of a large matrix product through PyTorch; and the nominal peak. */
public final class Peak {
    private Peak() {}

    /** GFLOP/s timing of an n×n product in the given type (fp32 or fp64). */
    public static Timing matmul(NDManager manager, int n, DataType type, int warmup, int repeats) {
        return Timing.of(matmulSeconds(manager, n, type, warmup, repeats));
    }

    /** The seconds of each repeated n×n product. */
    public static double[] matmulSeconds(NDManager manager, int n, DataType type, int warmup, int repeats) {
        try (NDManager m = manager.newSubManager()) {
            synchronized (Torch.RNG_LOCK) {
                Torch.seedRaw(1);
            }
            NDArray a = m.randomNormal(new Shape(n, n)).toType(type, false);
            NDArray b = m.randomNormal(new Shape(n, n)).toType(type, false);
            return Timing.samples(warmup, repeats, () -> {
                try (NDManager step = m.newSubManager()) {
                    NDArray c = a.matMul(b);
                    c.attach(step);
                    // PyTorch CPU ops are synchronous: the product is complete here
                }
            });
        }
    }

    public static double gflops(int n, Timing t) {
        return 2.0 * n * n * n / t.median() / 1e9;
    }

    /** cores × GHz × FLOP/cycle (AVX2 + 2 FMA units: 32 fp32 or 16 fp64 per cycle), from /proc/cpuinfo. */
    public static double nominalGflops(boolean fp64) {
        int cores = Runtime.getRuntime().availableProcessors();
        double ghz = cpuMhz() / 1000.0;
        int perCycle = hasFlag("avx512f") ? 64 : hasFlag("avx2") && hasFlag("fma") ? 32 : hasFlag("avx") ? 16 : 8;
        return cores * ghz * (fp64 ? perCycle / 2 : perCycle);
    }

    public static String cpuModel() {
        return Cpu.model();
    }

    static double cpuMhz() {
        return Cpu.field("cpu MHz").map(Double::parseDouble).orElse(2450.0);
    }

    static boolean hasFlag(String flag) {
        return Cpu.hasFlag(flag);
    }
}
