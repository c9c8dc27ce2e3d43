package org.reprodiff.study;

/** Where a stage reports how far it is: fraction in [0, 1] and a short status ("step 120/400"). */
@FunctionalInterface
public interface ProgressSink {
    void update(double fraction, String status);

    ProgressSink NONE = (f, s) -> { };
}
