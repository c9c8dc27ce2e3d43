package org.reprodiff.util;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line progress bar on stderr: done/total, items/s, ETA, and a free-form status. */
public final class Progress implements AutoCloseable {
    private static volatile boolean quiet = false;
    private final String label;
    private final String unit;
    private final long total;
    private final long start = System.nanoTime();
    private final PrintStream out = System.err;
    private final boolean tty = System.console() != null;
    private long lastPrint = 0;
    private long done;

    public Progress(String label, long total, String unit) {
        this.label = label;
        this.total = total;
        this.unit = unit;
    }

    public static void setQuiet(boolean q) {
        quiet = q;
    }

    public void update(long done, String status) {
        this.done = done;
        long now = System.nanoTime();
        long interval = tty ? 200_000_000L : 10_000_000_000L;
        if (now - lastPrint < interval && done < total) {
            return;
        }
        lastPrint = now;
        print(status, done >= total);
    }

    public double seconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    public double rate() {
        double s = seconds();
        return s > 0 ? done / s : 0;
    }

    private void print(String status, boolean last) {
        if (quiet) {
            return;
        }
        double rate = rate();
        String eta = rate > 0 && total > done ? formatSeconds((total - done) / rate) : "-";
        String line = String.format(Locale.ROOT, "%s %d/%d %s | %s | ETA %s%s", label, done, total, unit,
                rateText(rate, unit), eta, status == null || status.isEmpty() ? "" : " | " + status);
        if (tty) {
            out.print("\r\033[K" + line + (last ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** The rate per second, or per minute or hour where that would read 0.0 (slow items, as a calibration's passes). */
    static String rateText(double perSecond, String unit) {
        double rate = perSecond;
        String per = "s";
        if (rate > 0 && rate < 0.1) {
            rate *= 60;
            per = "min";
            if (rate < 0.1) {
                rate *= 60;
                per = "h";
            }
        }
        return String.format(Locale.ROOT, "%.1f %s/%s", rate, unit, per);
    }

    public static String formatSeconds(double s) {
        long t = Math.round(s);
        return t >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", t / 3600, t / 60 % 60)
                : t >= 60 ? String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60) : t + "s";
    }

    @Override
    public void close() {
        if (tty && !quiet && lastPrint != 0 && done < total) {
            out.println();
        }
    }
}
