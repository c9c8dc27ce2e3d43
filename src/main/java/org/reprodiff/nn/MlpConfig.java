package org.reprodiff.nn;

import org.reprodiff.util.UserException;

/** An MLP denoiser for vector data: input size (C·H·W), hidden width, residual blocks, dropout. */
public record MlpConfig(int inputSize, int hidden, int blocks, double dropout) {
    public MlpConfig {
        if (inputSize <= 0) {
            throw new UserException("--resolution: the data must have > 0 values, got " + inputSize);
        }
        if (hidden <= 0 || hidden % 2 != 0) {
            throw new UserException("--width: must be even and > 0, got " + hidden);
        }
        if (blocks <= 0) {
            throw new UserException("--blocks: must be > 0, got " + blocks);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new UserException("--dropout: must be in [0, 1), got " + dropout);
        }
    }
}
