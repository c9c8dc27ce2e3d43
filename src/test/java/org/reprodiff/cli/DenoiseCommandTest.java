package org.reprodiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reprodiff.analytic.EmpiricalOptimum;
import org.reprodiff.analytic.LocalMachine;
import org.reprodiff.analytic.PatchSchedule;
import org.reprodiff.data.Datasets;
import org.reprodiff.data.ImageSet;
import org.reprodiff.noise.Npy;
import org.reprodiff.noise.NpyArray;
import org.reprodiff.util.Torch;

class DenoiseCommandTest {
    static final String DATA = "shapes:size=16,n=8,seed=0";

    static NpyArray noisy(String dtype, int b, double sigma, long seed) {
        ImageSet y = Datasets.load(DATA, "train", 8, null);
        Random r = new Random(seed);
        double[] v = new double[b * y.dim()];
        for (int i = 0; i < v.length; i++) {
            v[i] = y.data()[i % (y.dim() * y.size())] + sigma * r.nextGaussian();
        }
        if (dtype.equals("<f4")) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) v[i];
            }
        }
        return new NpyArray(dtype, new long[] {b, 3, 8, 8}, v);
    }

    /** The same evaluation through the Java API. */
    static float[] direct(String kind, NpyArray x, float[] sigma) {
        ImageSet y = Datasets.load(DATA, "train", 8, null);
        try (NDManager m = Torch.newManager()) {
            var d = kind.equals("optimal") ? new EmpiricalOptimum(y, m)
                    : new LocalMachine(y, LocalMachine.Kind.ELS, PatchSchedule.fixed(3), m);
            return d.denoise(m.create(x.toFloats(), new Shape(x.shape())), m.create(sigma)).toFloatArray();
        }
    }

    @Test
    void evaluatesAnyModelAndKeepsTheInputDtype(@TempDir Path tmp) {
        NpyArray x64 = noisy("<f8", 3, 0.5, 1);
        Npy.write(tmp.resolve("x64.npy"), x64);
        Npy.write(tmp.resolve("s.npy"), new NpyArray("<f8", new long[] {3}, new double[] {0.2, 0.5, 2}));
        var r = CliTestSupport.run("denoise", "--model", "els:" + DATA, "--resize", "8", "--patch", "3",
                "--x", tmp.resolve("x64.npy").toString(), "--sigma-file", tmp.resolve("s.npy").toString(),
                "--batch", "2", "--out", tmp.resolve("d64.npy").toString());
        assertThat(r.code()).as(r.err()).isZero();
        NpyArray d64 = Npy.read(tmp.resolve("d64.npy"));
        assertThat(d64.dtype()).isEqualTo("<f8");
        assertThat(d64.shape()).containsExactly(3, 3, 8, 8);
        float[] want = direct("els", x64, new float[] {0.2f, 0.5f, 2f});
        for (int i = 0; i < want.length; i++) {
            assertThat((float) d64.values()[i]).isEqualTo(want[i]);
        }

        NpyArray x32 = noisy("<f4", 2, 1.0, 2);
        Npy.write(tmp.resolve("x32.npy"), x32);
        r = CliTestSupport.run("denoise", "--model", "optimal:" + DATA, "--resize", "8", "--x",
                tmp.resolve("x32.npy").toString(), "--sigma", "1.0", "--out", tmp.resolve("d32.npy").toString());
        assertThat(r.code()).as(r.err()).isZero();
        NpyArray d32 = Npy.read(tmp.resolve("d32.npy"));
        assertThat(d32.dtype()).isEqualTo("<f4");
        assertThat(d32.toFloats()).containsExactly(direct("optimal", x32, new float[] {1f, 1f}));
    }

    @Test
    void badInputIsOneLineExitTwoAndWritesNothing(@TempDir Path tmp) throws Exception {
        Path x = tmp.resolve("x.npy");
        Npy.write(x, noisy("<f4", 2, 1.0, 3));
        Path wrong = tmp.resolve("wrong.npy");
        Npy.write(wrong, new NpyArray("<f4", new long[] {2, 3, 8, 7}, new double[2 * 3 * 8 * 7]));
        NpyArray nan = noisy("<f4", 2, 1.0, 4);
        nan.values()[17] = Double.NaN;
        Path xn = tmp.resolve("nan.npy");
        Npy.write(xn, nan);
        Path s3 = tmp.resolve("s3.npy");
        Npy.write(s3, new NpyArray("<f4", new long[] {3}, new double[] {1, 1, 1}));
        Path sched = tmp.resolve("sched.json");
        Files.writeString(sched, "{\"sigma\": [80, 1], \"patch\": [9, 3]}");
        String out = tmp.resolve("d.npy").toString();
        String els = "els:" + DATA;
        String[][] cases = {
            {"denoise", "--model", els, "--resize", "8", "--patch", "4", "--x", x.toString(), "--sigma", "1", "--out", out},
            {"denoise", "--model", els, "--resize", "8", "--patch", "0", "--x", x.toString(), "--sigma", "1", "--out", out},
            {"denoise", "--model", els, "--resize", "8", "--patch", "3", "--x", wrong.toString(), "--sigma", "1", "--out", out},
            {"denoise", "--model", els, "--resize", "8", "--patch", "3", "--x", x.toString(), "--sigma-file", s3.toString(), "--out", out},
            {"denoise", "--model", els, "--resize", "8", "--patch", "3", "--x", xn.toString(), "--sigma", "1", "--out", out},
            {"denoise", "--model", els, "--resize", "8", "--x", x.toString(), "--sigma", "1", "--out", out},
            {"denoise", "--model", "optimal:" + DATA, "--resize", "8", "--x", x.toString(), "--sigma", "1",
                "--sigma-file", s3.toString(), "--out", out},
            {"sample", "--model", els, "--resize", "8", "--patch-schedule", sched.toString(), "--seeds", "0-1",
                "--steps", "4", "--out", tmp.resolve("samples").toString()},
        };
        String[] expect = {"--patch: the patch size must be odd", "--patch: the patch size must be odd",
            "wrong.npy: shape [2, 3, 8, 7] does not match", "s3.npy: holds 3 σ values", "nan.npy: NaN at flat index 17",
            "--patch P or --patch-schedule FILE: needed", "--sigma S or --sigma-file", "sched.json: does not cover"};
        for (int i = 0; i < cases.length; i++) {
            var r = CliTestSupport.run(cases[i]);
            assertThat(r.code()).as("case %d: %s", i, r.err()).isEqualTo(2);
            assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
            assertThat(r.err()).contains(expect[i]);
        }
        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("x.npy", "wrong.npy", "nan.npy", "s3.npy", "sched.json");
        }
    }
}
