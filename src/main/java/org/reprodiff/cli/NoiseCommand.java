package org.reprodiff.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.reprodiff.noise.Npy;
import org.reprodiff.noise.NpyArray;
import org.reprodiff.noise.SeedNoise;
import org.reprodiff.noise.SeedRanges;
import org.reprodiff.util.Torch;
import org.reprodiff.util.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "noise", mixinStandardHelpOptions = true,
        description = "Write per-seed noise: for each seed s, torch.manual_seed(s); torch.randn(SHAPE), stacked to (B, SHAPE) float32.")
public final class NoiseCommand implements Callable<Integer> {
    @Option(names = "--seeds", required = true, description = "Seeds as ranges and lists, e.g. 0-63,100,200-210.")
    String seeds;

    @Option(names = "--shape", required = true, description = "Per-sample shape, e.g. 1,28,28.")
    String shape;

    @Option(names = "--out", required = true, description = "Output .npy, or .npz (array arr_0).")
    Path out;

    @Override
    public Integer call() {
        long[] s = SeedRanges.parse(seeds);
        Shape per = parseShape(shape, "--shape");
        String name = out.getFileName().toString();
        if (!name.endsWith(".npy") && !name.endsWith(".npz")) {
            throw UserException.of(out, "--out must end in .npy or .npz");
        }
        if ((double) s.length * per.size() > Integer.MAX_VALUE) {
            throw new UserException("--seeds/--shape: too many values for one array");
        }
        try (NDManager m = Torch.newManager()) {
            NDArray z = SeedNoise.batch(m, s, per);
            NpyArray a = NpyArray.ofFloats(z.getShape().getShape(), z.toFloatArray());
            if (name.endsWith(".npz")) {
                Npy.writeNpz(out, Map.of("arr_0", a));
            } else {
                Npy.write(out, a);
            }
        }
        return Main.OK;
    }

    /** "1,28,28" → Shape; every dimension positive. */
    static Shape parseShape(String text, String option) {
        String[] parts = text.split("[,x]");
        long[] dims = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                dims[i] = Long.parseLong(parts[i].strip());
            } catch (NumberFormatException e) {
                throw UserException.of(option, "cannot parse shape '" + text + "' (expected e.g. 1,28,28)");
            }
            if (dims[i] < 1) {
                throw UserException.of(option, "dimensions must be positive in '" + text + "'");
            }
        }
        return new Shape(dims);
    }
}
