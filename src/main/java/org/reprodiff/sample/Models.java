package org.reprodiff.sample;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import org.reprodiff.analytic.EmpiricalOptimum;
import org.reprodiff.analytic.GaussianDenoiser;
import org.reprodiff.analytic.LocalMachine;
import org.reprodiff.analytic.PatchSchedule;
import org.reprodiff.analytic.MolrgDenoiser;
import org.reprodiff.data.Datasets;
import org.reprodiff.data.ImageSet;
import org.reprodiff.data.Molrg;
import org.reprodiff.diffusion.Denoiser;
import org.reprodiff.diffusion.Precond;
import org.reprodiff.diffusion.TorchScriptNetwork;
import org.reprodiff.train.Runs;
import org.reprodiff.util.UserException;

/**
 * Model specs → denoisers: {@code optimal:DATA} (empirical optimum over DATA's training split),
 * {@code gaussian:DATA} (alias {@code wiener:DATA}), the local machines {@code ls:DATA}, {@code els:DATA},
 * {@code bbels:DATA}, {@code pspc:DATA} (with a patch schedule), {@code molrg} (exact posterior mean of the default molrg set),
 * {@code torchscript:FILE} (raw F(x, c_noise) wrapped with --precond), or a training run directory.
 */
public final class Models {
    private Models() {}

    /**
     * Options for data-backed specs: training subset size n (null = all) and its seed, resize, preconditioning,
     * and the patch schedule of the local machines (null where none was given).
     */
    public record Options(String precond, Integer n, long subsetSeed, Integer resize, PatchSchedule patch) {
        public static final Options DEFAULT = new Options("edm", null, 0, null);

        public Options(String precond, Integer n, long subsetSeed, Integer resize) {
            this(precond, n, subsetSeed, resize, null);
        }
    }

    /** The local machines' spec prefixes, in the order of LocalMachine.Kind. */
    private static final String[] LOCAL = {"ls:", "els:", "bbels:", "pspc:"};

    /** The local machine a spec names, or null. */
    public static LocalMachine.Kind localKind(String spec) {
        for (int i = 0; i < LOCAL.length; i++) {
            if (spec != null && spec.startsWith(LOCAL[i])) {
                return LocalMachine.Kind.values()[i];
            }
        }
        return null;
    }

    /** A loaded model: the denoiser and the per-sample data shape (null when the spec does not tell). */
    public record Loaded(Denoiser denoiser, Shape shape, String spec) {}

    public static Denoiser load(String spec, String precond, NDManager manager) {
        return open(spec, new Options(precond, null, 0, null), manager).denoiser();
    }

    /** A run's per-sample shape (channels, height, width) from its options.json. */
    public static Shape runShape(Path runDir) {
        var j = Runs.options(runDir);
        return new Shape(j.get("channels").asInt(), j.get("height").asInt(), j.get("width").asInt());
    }

    /** Arrays of the model live in (a sub-manager of) manager; close the manager to free them. */
    public static Loaded open(String spec, Options o, NDManager manager) {
        if (spec == null || spec.isBlank()) {
            throw new UserException("--model: empty model spec");
        }
        LocalMachine.Kind local = localKind(spec);
        if (spec.startsWith("optimal:") || spec.startsWith("gaussian:") || spec.startsWith("wiener:") || local != null) {
            if (local != null && o.patch() == null) {
                throw new UserException("--patch P or --patch-schedule FILE: needed for " + spec);
            }
            String data = spec.substring(spec.indexOf(':') + 1);
            ImageSet train = Datasets.load(data, "train", o.resize(), null);
            if (o.n() != null) {
                train = train.subset(o.n(), o.subsetSeed());
            }
            Denoiser d = local != null ? new LocalMachine(train, local, o.patch(), manager)
                    : spec.startsWith("optimal:") ? new EmpiricalOptimum(train, manager)
                    : GaussianDenoiser.fromData(train, manager); // the Wiener filter is the Gaussian denoiser
            return new Loaded(d, train.shape(), spec);
        }
        if (spec.equals("molrg")) {
            Molrg m = Molrg.generate(4, 8, 16, 4096, 0);
            return new Loaded(new MolrgDenoiser(m, manager), m.images().shape(), spec);
        }
        if (spec.startsWith("torchscript:")) {
            Path file = Path.of(spec.substring("torchscript:".length()));
            Precond p = Precond.of(o.precond() == null ? "edm" : o.precond());
            TorchScriptNetwork net = TorchScriptNetwork.load(file, manager);
            Denoiser d = p.wrap(net);
            return new Loaded(new Denoiser() {
                public ai.djl.ndarray.NDArray denoise(ai.djl.ndarray.NDArray x, ai.djl.ndarray.NDArray s) {
                    return d.denoise(x, s);
                }

                public String describe() {
                    return "torchscript[" + file.getFileName() + ", " + p.name() + "]";
                }
            }, null, spec);
        }
        Path dir = Path.of(spec);
        if (Files.isDirectory(dir)) {
            return new Loaded(Runs.loadDenoiser(dir, manager), runShape(dir), spec);
        }
        throw new UserException("--model: unknown model '" + spec
                + "' (expected optimal:DATA, gaussian:DATA, wiener:DATA, ls:DATA, els:DATA, bbels:DATA, pspc:DATA, molrg, torchscript:FILE or a run directory)");
    }
}
