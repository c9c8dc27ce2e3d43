package org.reprodiff.bench;

/**
 * One benchmark figure: a rate (higher is better) as min/median/max over repeats, with its GFLOP/s where the
 * work is counted and that as a fraction of the measured peak.
 */
public record Figure(String section, String name, String unit, double min, double median, double max,
        Double gflops, Double fractionOfPeak, String target, String note) {

    /** A rate figure from a timing of `work` units per repeat; flops per repeat (or 0 when not counted). */
    public static Figure rate(String section, String name, String unit, double work, double flops, Timing t,
            double peakGflops, String target, String note) {
        Double gf = flops > 0 ? flops / t.median() / 1e9 : null;
        Double frac = gf != null && peakGflops > 0 ? gf / peakGflops : null;
        return new Figure(section, name, unit, work / t.max(), work / t.median(), work / t.min(), gf, frac, target, note);
    }

    /** A plain measured quantity (seconds, MiB, %) with no rate. */
    public static Figure value(String section, String name, String unit, double min, double median, double max,
            String target, String note) {
        return new Figure(section, name, unit, min, median, max, null, null, target, note);
    }

    public Figure withFraction(double fraction) {
        return new Figure(section, name, unit, min, median, max, gflops, fraction, target, note);
    }
}
