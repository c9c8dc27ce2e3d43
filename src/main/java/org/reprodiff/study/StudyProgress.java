package org.reprodiff.study;

import java.io.PrintStream;
import java.util.Locale;
import org.reprodiff.util.Progress;

/**
 * One status line: cells done/left of this process's share, the current cell and stage with its progress,
 * and the ETA. ETA = elapsed · remaining cost / done cost, where a cell's cost is its kimg (a reference
 * counts 1% of the largest) and the current cell counts by its fraction done. Beside other workers (study --jobs),
 * cells they finish are counted as they finish ({@link #watch}), so that this process's line does not read
 * "0/7 done, ETA 1h31m" while another process has trained every cell but the one this process holds.
 */
final class StudyProgress {
    private final String study;
    private final int total;
    private final double totalCost;
    private final PrintStream out;
    private final boolean tty = System.console() != null;
    private final long start = System.nanoTime();
    private int done;
    private double doneCost;
    private long lastPrint;
    private volatile boolean quiet;
    private Runnable watcher = () -> { };
    private boolean watching;
    /** The current cell's share of the cost while the watcher runs, so that its lines keep the same ETA basis. */
    private double inFlight;
    private final java.util.Set<Integer> counted = java.util.concurrent.ConcurrentHashMap.newKeySet();

    StudyProgress(String study, int total, double totalCost, PrintStream out) {
        this.study = study;
        this.total = total;
        this.totalCost = totalCost;
        this.out = out;
    }

    void quiet(boolean q) {
        quiet = q;
    }

    /** Runs before each status line: counts cells that other processes finished in the meantime. */
    void watch(Runnable w) {
        watcher = w;
    }

    /** A sink for one cell: fraction of the cell, status of its stage. */
    ProgressSink cell(String name, double cost) {
        return (fraction, status) -> print(name, status, doneCost + cost * Math.max(0, Math.min(1, fraction)), false);
    }

    /** Counts cell {@code index} of the plan as done; a cell already counted (by the watcher or the loop) is ignored. */
    void cellDone(int index, String name, double cost, String how) {
        if (!counted.add(index)) {
            return;
        }
        done++;
        doneCost += cost;
        print(name, how, doneCost + (watching ? inFlight : 0), true);
    }

    private synchronized void print(String cell, String status, double costNow, boolean force) {
        long now = System.nanoTime();
        if (quiet || (!force && now - lastPrint < (tty ? 500_000_000L : 10_000_000_000L))) {
            return;
        }
        lastPrint = now;
        if (!force && !watching) {
            double before = doneCost;
            inFlight = costNow - doneCost;
            watching = true; // the watcher's own cellDone calls print again
            try {
                watcher.run();
            } finally {
                watching = false;
            }
            costNow += doneCost - before;
        }
        double elapsed = (now - start) / 1e9;
        // no estimate from the first seconds (one step in 0.1 s extrapolated to hours)
        String eta = costNow > 0 && totalCost > costNow && elapsed >= 5
                ? Progress.formatSeconds(elapsed * (totalCost - costNow) / costNow) : "-";
        String line = String.format(Locale.ROOT, "study %s: cells %d/%d done, %d left | %s: %s | elapsed %s | ETA %s",
                study, done, total, total - done, cell, status, Progress.formatSeconds(elapsed), eta);
        if (tty) {
            out.print("\r\033[K" + line + (force ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }
}
