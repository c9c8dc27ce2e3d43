package org.reprodiff.bench;

import java.util.Arrays;

/** Times a task: warm-up runs, then repeats; min, median and max in seconds. */
public record Timing(double min, double median, double max, int repeats) {

    @FunctionalInterface
    public interface Task {
        void run() throws Exception;
    }

    public static Timing measure(int warmup, int repeats, Task task) {
        return of(samples(warmup, repeats, task));
    }

    /** min, median and max of some timings in seconds. */
    public static Timing of(double[] seconds) {
        double[] s = seconds.clone();
        Arrays.sort(s);
        return new Timing(s[0], s[s.length / 2], s[s.length - 1], s.length);
    }

    /** The seconds of each repeat after the warm-up runs. */
    public static double[] samples(int warmup, int repeats, Task task) {
        try {
            for (int i = 0; i < warmup; i++) {
                task.run();
            }
            double[] s = new double[repeats];
            for (int i = 0; i < repeats; i++) {
                long t0 = System.nanoTime();
                task.run();
                s[i] = (System.nanoTime() - t0) / 1e9;
            }
            return s;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
