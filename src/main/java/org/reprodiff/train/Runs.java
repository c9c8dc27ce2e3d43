package org.reprodiff.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.reprodiff.diffusion.ConsistencyPrecond;
import org.reprodiff.diffusion.Denoiser;
import org.reprodiff.diffusion.Precond;
import org.reprodiff.diffusion.PrecondDenoiser;
import org.reprodiff.nn.DiffusionNet;
import org.reprodiff.util.Json;
import org.reprodiff.util.UserException;

/** Training runs on disk: their options and their EMA model as a Denoiser. */
public final class Runs {
    private Runs() {}

    /** options.json of a run folder (keys: options, fingerprint, dataset, data_identity, channels, ...). */
    public static JsonNode options(Path runDir) {
        Path f = runDir.resolve(TrainRun.OPTIONS);
        if (!Files.isRegularFile(f)) {
            throw UserException.of(runDir, "not a reprodiff training run (no " + TrainRun.OPTIONS + ")");
        }
        JsonNode j = Json.read(f, JsonNode.class);
        for (String k : List.of("options", "channels", "height", "width")) {
            if (!j.has(k)) {
                throw UserException.of(f, "incomplete run options: no '" + k + "'");
            }
        }
        return j;
    }

    /** True when the run trained a consistency model (sample it with {@link ConsistencySampler}). */
    public static boolean isConsistency(Path runDir) {
        return options(runDir).path("options").path("ct").asBoolean(false);
    }

    /**
     * The EMA model of a run (ema.npz) wrapped by its preconditioning: D(x; σ) = c_skip·x + c_out·F(c_in·x; c_noise),
     * F in inference mode without autograd. For a consistency run, D(x; σ) is the consistency function f(x, σ).
     * The weights live in the manager.
     */
    public static Denoiser loadDenoiser(Path runDir, NDManager manager) {
        JsonNode j = options(runDir);
        JsonNode o = j.get("options");
        if (!Files.isRegularFile(runDir.resolve(Checkpoint.EMA))) {
            throw UserException.of(runDir, "run has no EMA model yet (" + Checkpoint.EMA + "); train it first");
        }
        DiffusionNet net = Nets.build(o.path("arch").asText(), j.get("channels").asInt(), j.get("height").asInt(),
                j.get("width").asInt(), o.path("dropout").asDouble(0), o.path("seed").asLong(0), manager);
        List<String> names = Nets.names(net);
        List<NDArray> arrays = Nets.arrays(net);
        Map<String, float[]> ema = Checkpoint.loadEma(runDir, names, Nets.shapes(arrays));
        Nets.noGrad(() -> {
            for (int i = 0; i < names.size(); i++) {
                Nets.assign(arrays.get(i), ema.get(names.get(i)));
                arrays.get(i).setRequiresGradient(false);
            }
        });
        Precond precond = o.path("ct").asBoolean(false) ? new ConsistencyPrecond() : Precond.of(o.path("precond").asText());
        ParameterStore ps = new ParameterStore(manager, false);
        String name = o.path("arch").asText() + "/" + precond.name() + " " + runDir.getFileName();
        PrecondDenoiser d = new PrecondDenoiser(precond,
                (x, c, training) -> Nets.noGrad(() -> net.raw(ps).apply(x, c, false)), false);
        return new Denoiser() {
            @Override
            public NDArray denoise(NDArray x, NDArray sigma) {
                return d.denoise(x, sigma);
            }

            @Override
            public String describe() {
                return name;
            }
        };
    }
}
