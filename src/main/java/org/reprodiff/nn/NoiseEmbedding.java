package org.reprodiff.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.training.ParameterStore;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Embeds the noise label c_noise (B) into (B, channels) = [sin(c·f), cos(c·f)] (EDM's order after its
 * sin/cos swap). Positional (DDPM++): f_i = 10000^(−i/(n/2−1)), i &lt; n/2. Fourier (NCSN++): f_i = 2π·16·z_i
 * with z_i standard normal from a seeded SplittableRandom, fixed (not a parameter).
 */
public final class NoiseEmbedding extends NetBlock {
    public enum Type {
        POSITIONAL, FOURIER;

        public static Type parse(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT));
        }
    }

    private final float[] freqs;

    public NoiseEmbedding(int channels, Type type, long seed) {
        if (channels < 2 || channels % 2 != 0) {
            throw new IllegalArgumentException("noise embedding needs an even width, got " + channels);
        }
        freqs = frequencies(channels, type, seed);
    }

    static float[] frequencies(int channels, Type type, long seed) {
        int half = channels / 2;
        float[] f = new float[half];
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < half; i++) {
            f[i] = type == Type.POSITIONAL
                    ? (float) Math.pow(1e-4, half == 1 ? 0 : (double) i / (half - 1))
                    : (float) (2 * Math.PI * 16 * rng.nextGaussian());
        }
        return f;
    }

    public int channels() {
        return freqs.length * 2;
    }

    @Override
    NDArray forward(ParameterStore ps, NDArray cNoise, NDArray unused, boolean training) {
        NDArray f = cNoise.getManager().create(freqs).reshape(1, freqs.length);
        if (cNoise.getDataType() == ai.djl.ndarray.types.DataType.FLOAT64) { // the checks' float64 reference network
            f = f.toType(cNoise.getDataType(), false);
        }
        NDArray arg = cNoise.reshape(-1, 1).toType(f.getDataType(), false).mul(f);
        return NDArrays.concat(new ai.djl.ndarray.NDList(arg.sin(), arg.cos()), 1);
    }

    @Override
    public ai.djl.ndarray.types.Shape[] getOutputShapes(ai.djl.ndarray.types.Shape[] in) {
        return new ai.djl.ndarray.types.Shape[] {new ai.djl.ndarray.types.Shape(in[0].get(0), channels())};
    }
}
