package org.reprodiff.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.reprodiff.util.Torch;

/** Collects the benchmark figures; the measured fp32/fp64 peaks come first and scale the rest. */
public final class Bench {
    private final boolean quick;
    private final List<Figure> figures = new ArrayList<>();
    private final List<Double> seconds32 = new ArrayList<>();
    private final List<Double> seconds64 = new ArrayList<>();
    private int n;
    private int checkpoints;
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

    /**
     * Measures the roofline: fp32 and fp64 matrix products through PyTorch, and the nominal peak. Call
     * {@link #checkpoint} after each section and {@link #finish} at the end: the peak is then the median of all
     * products timed over the run, so one slow or boosted moment of a shared VM does not set every share.
     */
    public void peak(NDManager m) {
        n = quick ? 1536 : 2048;
        measure(m, 2, quick ? 5 : 10);
        peak32 = Peak.gflops(n, Timing.of(toArray(seconds32)));
        peak64 = Peak.gflops(n, Timing.of(toArray(seconds64)));
        figures.add(null); // the two peak rows, filled in by finish()
        figures.add(null);
        add(Figure.value("peak", "nominal fp32 (" + Runtime.getRuntime().availableProcessors() + " cores × "
                + String.format(Locale.ROOT, "%.2f", Peak.cpuMhz() / 1000) + " GHz × vector FMA)", "GFLOP/s",
                Peak.nominalGflops(false), Peak.nominalGflops(false), Peak.nominalGflops(false), null,
                Peak.cpuModel() + ", PyTorch threads " + Torch.threads()));
    }

    /** Times the peak products again (after a section). */
    public void checkpoint(NDManager m) {
        measure(m, 1, quick ? 3 : 5);
        checkpoints++;
    }

    private void measure(NDManager m, int warmup, int reps) {
        for (double s : Peak.matmulSeconds(m, n, DataType.FLOAT32, warmup, reps)) {
            seconds32.add(s);
        }
        for (double s : Peak.matmulSeconds(m, n, DataType.FLOAT64, 1, Math.max(3, reps / 2))) {
            seconds64.add(s);
        }
    }

    /** Sets the peaks to the run's medians and rescales every figure's share to them. */
    public void finish() {
        Timing t32 = Timing.of(toArray(seconds32));
        Timing t64 = Timing.of(toArray(seconds64));
        double p32 = Peak.gflops(n, t32);
        double p64 = Peak.gflops(n, t64);
        for (int i = 2; i < figures.size(); i++) {
            Figure f = figures.get(i);
            if (f.fractionOfPeak() != null) {
                double used = f.gflops() / f.fractionOfPeak();
                double now = Math.abs(used - peak64) < 1e-9 * peak64 && peak64 != peak32 ? p64 : p32;
                figures.set(i, f.withFraction(f.gflops() / now));
            }
        }
        peak32 = p32;
        peak64 = p64;
        String note = (checkpoints + 1) + " times over the run (" + t32.repeats() + " products)";
        figures.set(0, peakFigure("matmul fp32 " + n + "²", n, t32, p32, note));
        figures.set(1, peakFigure("matmul fp64 " + n + "²", n, t64, p32, null));
    }

    private static double[] toArray(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static Figure peakFigure(String name, int n, Timing t, double peak, String note) {
        double flops = 2.0 * n * n * n;
        return new Figure("peak", name, "GFLOP/s", flops / t.max() / 1e9, flops / t.median() / 1e9,
                flops / t.min() / 1e9, flops / t.median() / 1e9, flops / t.median() / 1e9 / peak, null, note);
    }
}
