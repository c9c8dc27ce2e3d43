package org.reprodiff.nn;

import org.reprodiff.util.Cpu;

/**
 * A kernel gave wrong numbers on this CPU and no right path is left: stopping beats training or sampling on
 * garbage. The message is one line naming the kernel, the shape and the CPU.
 */
public final class KernelFailure extends RuntimeException {
    public KernelFailure(String kernel, String shape, double error) {
        super(String.format("%s is wrong on this CPU (%s) for %s: relative error %.2g against the float64 reference "
                + "(bound %.0e); `reprodiff doctor` shows every check", kernel, Cpu.describe(), shape, error, ConvPaths.BOUND));
    }
}
