package org.reprodiff.bench;

import java.util.Arrays;

/** Times a task: warm-up runs, then repeats; min, median and max in seconds. */
public record Timing(double min, double median, double max, int repeats) {

    @FunctionalInterface
    public interface Task {
        void run() throws Exception;
    }

    public static Timing measure(int warmup, int repeats, Task task) {
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
            Arrays.sort(s);
            return new Timing(s[0], s[repeats / 2], s[repeats - 1], repeats);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
