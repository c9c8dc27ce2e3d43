package org.reprodiff.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.reprodiff.analytic.LocalMachine;
import org.reprodiff.analytic.PatchSchedule;
import org.reprodiff.diffusion.Denoiser;
import org.reprodiff.sample.NoiseSource;
import org.reprodiff.sample.SamplerContext;
import org.reprodiff.sample.SamplerSpec;
import org.reprodiff.util.Torch;

/**
 * Kamb and Ganguli's patch calibration: sample the trained model from each seed, and at each step of its own
 * trajectory (the state x_i at σ_i) pick the patch P whose machine output agrees best with the model's, by the
 * cosine of the two scores (D − x)/σ² (σ² cancels); the schedule takes, per step, the median P over the seeds
 * (the lower middle one for an even count, so it is always a P that was tried).
 */
public final class PatchCalibration {
    private PatchCalibration() {}

    /** sigma and patch per step; best[step][seed] and cosine[step][patch index] (median over seeds). */
    public record Result(double[] sigma, int[] patch, int[][] best, double[][] cosine) {
        public PatchSchedule schedule(String where) {
            return PatchSchedule.table(sigma, patch, where);
        }
    }

    /** Records the last call at each σ: for Heun that is the trajectory state (the Euler predictor comes first). */
    private static final class Recorder implements Denoiser {
        final Denoiser model;
        final Map<Float, float[][]> last = new HashMap<>();

        Recorder(Denoiser model) {
            this.model = model;
        }

        @Override
        public NDArray denoise(NDArray x, NDArray sigma) {
            NDArray d = model.denoise(x, sigma);
            last.put(sigma.toFloatArray()[0], new float[][] {x.toFloatArray(), d.toFloatArray()});
            return d;
        }
    }

    public static Result run(Denoiser model, LocalMachine machine, Shape shape, long[] seeds, int[] patches,
            SamplerSpec spec, int batch) {
        return run(model, machine, shape, seeds, patches, spec, batch, done -> { });
    }

    /** progress hears the number of (seed batch, patch) evaluations done, out of ⌈seeds/batch⌉·patches. */
    public static Result run(Denoiser model, LocalMachine machine, Shape shape, long[] seeds, int[] patches,
            SamplerSpec spec, int batch, java.util.function.IntConsumer progress) {
        int done = 0;
        double[] grid = spec.sigmas();
        int steps = grid.length - 1;
        int[][] best = new int[steps][seeds.length];
        double[][][] cos = new double[steps][patches.length][seeds.length];
        NoiseSource noise = NoiseSource.seeds(seeds);
        int per = (int) shape.size();
        try (NDManager m = Torch.newManager()) {
            for (int a = 0; a < seeds.length; a += batch) {
                int z = Math.min(seeds.length, a + batch);
                Recorder rec = new Recorder(model);
                try (NDManager sub = m.newSubManager()) {
                    spec.newSampler().sample(rec, noise.batch(sub, a, z, shape), grid,
                            SamplerContext.of(Arrays.copyOfRange(seeds, a, z)));
                }
                // every step's state in one batch, each row with its own σ: the machine then unfolds the training
                // windows once per patch size instead of once per step
                int b = z - a;
                float[] xs = new float[steps * b * per];
                float[] ds = new float[steps * b * per];
                float[] ss = new float[steps * b];
                for (int i = 0; i < steps; i++) {
                    float[][] xd = rec.last.get((float) grid[i]);
                    System.arraycopy(xd[0], 0, xs, i * b * per, b * per);
                    System.arraycopy(xd[1], 0, ds, i * b * per, b * per);
                    Arrays.fill(ss, i * b, (i + 1) * b, (float) grid[i]);
                }
                try (NDManager sub = m.newSubManager()) {
                    Shape bs = new Shape((long) steps * b, shape.get(0), shape.get(1), shape.get(2));
                    NDArray x = sub.create(xs, bs);
                    NDArray dm = sub.create(ds, bs).sub(x).reshape((long) steps * b, per).toType(DataType.FLOAT64, false);
                    NDArray s = sub.create(ss);
                    for (int k = 0; k < patches.length; k++) {
                        NDArray dl = machine.denoiseAt(x, s, patches[k]).sub(x).reshape((long) steps * b, per)
                                .toType(DataType.FLOAT64, false);
                        double[] c = dl.mul(dm).sum(new int[] {1}).div(dl.norm(new int[] {1}).mul(dm.norm(new int[] {1})))
                                .toDoubleArray();
                        for (int i = 0; i < steps; i++) {
                            System.arraycopy(c, i * b, cos[i][k], a, b);
                        }
                        progress.accept(++done);
                    }
                }
            }
        }
        int[] patch = new int[steps];
        double[][] medCos = new double[steps][patches.length];
        for (int i = 0; i < steps; i++) {
            for (int s = 0; s < seeds.length; s++) {
                int arg = 0;
                for (int k = 1; k < patches.length; k++) {
                    arg = cos[i][k][s] > cos[i][arg][s] ? k : arg;
                }
                best[i][s] = patches[arg];
            }
            int[] sorted = best[i].clone();
            Arrays.sort(sorted);
            patch[i] = sorted[(sorted.length - 1) / 2];
            for (int k = 0; k < patches.length; k++) {
                double[] v = cos[i][k].clone();
                Arrays.sort(v);
                medCos[i][k] = Bootstrap.quantileSorted(v, 0.5);
            }
        }
        return new Result(Arrays.copyOf(grid, steps), patch, best, medCos);
    }
}
