package org.reprodiff.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.reprodiff.util.Torch;

/** Runs the benchmark sections in order; the measured fp32/fp64 peaks come first and scale the rest. */
public final class Bench {
    private final boolean quick;
    private final List<Figure> figures = new ArrayList<>();
    private double peak32;
    private double peak64;

    public Bench(boolean quick) {
        this.quick = quick;
    }

    public boolean quick() {
        return quick;
    }

    public double peak32() {
        return peak32;
    }

    public double peak64() {
        return peak64;
    }

    public List<Figure> figures() {
        return figures;
    }

    public void add(Figure f) {
        figures.add(f);
    }

    /** Measures the roofline: fp32 and fp64 matrix products through PyTorch, and the nominal peak. */
    public void peak(NDManager m) {
        int n = quick ? 1536 : 2048;
        int reps = quick ? 5 : 10;
        Timing t32 = Peak.matmul(m, n, DataType.FLOAT32, 2, reps);
        peak32 = Peak.gflops(n, t32);
        add(peakFigure("matmul fp32 " + n + "²", n, t32, peak32));
        Timing t64 = Peak.matmul(m, n, DataType.FLOAT64, 1, reps);
        peak64 = Peak.gflops(n, t64);
        add(peakFigure("matmul fp64 " + n + "²", n, t64, peak32));
        add(Figure.value("peak", "nominal fp32 (" + Runtime.getRuntime().availableProcessors() + " cores × "
                + String.format(Locale.ROOT, "%.2f", Peak.cpuMhz() / 1000) + " GHz × vector FMA)", "GFLOP/s",
                Peak.nominalGflops(false), Peak.nominalGflops(false), Peak.nominalGflops(false), null,
                Peak.cpuModel() + ", PyTorch threads " + Torch.threads()));
    }

    private static Figure peakFigure(String name, int n, Timing t, double peak) {
        double flops = 2.0 * n * n * n;
        return new Figure("peak", name, "GFLOP/s", flops / t.max() / 1e9, flops / t.median() / 1e9,
                flops / t.min() / 1e9, flops / t.median() / 1e9, flops / t.median() / 1e9 / peak, null, null);
    }
}
