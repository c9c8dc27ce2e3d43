package org.reprodiff.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.reprodiff.nn.CopyEncoder;
import org.reprodiff.noise.Npy;
import org.reprodiff.noise.NpyArray;
import org.reprodiff.util.Json;
import org.reprodiff.util.Torch;
import org.reprodiff.util.UserException;

/**
 * reprodiff's own copy detector as a similarity: the cosine of {@link CopyEncoder} descriptors, with the threshold
 * calibrated when it was trained ({@link CopyDetectors}). Stored as one .npz: every parameter as float32, and an
 * entry {@code meta.npy} holding the UTF-8 bytes of a JSON object (format, recipe, data identity, seed, shape,
 * threshold, calibration). numpy reads it: {@code json.loads(bytes(np.load(f)["meta"]))}.
 */
public final class LearnedSimilarity implements Similarity, AutoCloseable {
    /** Format 2 encodes centred images ({@link CopyEdits#center}); format 1 did not, so its files are refused. */
    public static final String FORMAT = "reprodiff-copy-detector-2";
    private final CopyEncoder encoder;
    private final ObjectNode meta;
    private final NDManager manager;
    private final String label;
    private Path file;

    LearnedSimilarity(CopyEncoder encoder, ObjectNode meta, NDManager manager, String label) {
        this.encoder = encoder;
        this.meta = meta;
        this.manager = manager;
        this.label = label;
    }

    public ObjectNode meta() {
        return meta.deepCopy();
    }

    public CopyEncoder encoder() {
        return encoder;
    }

    /** Refuses images the encoder was not trained for (one line, exit 2). */
    public void check(long channels, long height, long width, String what) {
        if (!encoder.imageShape().equals(new ai.djl.ndarray.types.Shape(channels, height, width))) {
            throw new UserException(what + ": images are " + channels + "×" + height + "×" + width
                    + " but the copy detector (" + label + ") takes " + encoder.imageShape());
        }
    }

    @Override
    public NDArray embed(NDArray images) {
        check(images.getShape().get(1), images.getShape().get(2), images.getShape().get(3), "samples");
        long n = images.getShape().get(0);
        if (n >= batchSize()) {
            return CopyTraining.embed(encoder, images);
        }
        // A short batch (a set's last) is padded with blank images to the full one: each new call shape costs a
        // float64 check of every convolution of the encoder (nn.ConvPaths), and rows are encoded independently.
        NDArray blank = images.getManager().full(new ai.djl.ndarray.types.Shape(batchSize() - n, images.getShape().get(1),
                images.getShape().get(2), images.getShape().get(3)), -1f);
        NDArray all = images.concat(blank, 0);
        blank.close();
        NDArray full = CopyTraining.embed(encoder, all);
        all.close();
        NDArray e = full.get("0:" + n);
        full.close();
        return e;
    }

    /**
     * Descriptors of a data set (a split or a subset of one, named by its identity) are cached beside the
     * detector's file, so that GL does not run the encoder over 60000 training images for every sample set:
     * at 28×28 that was 3× the time of a pixel search. Sample sets are always embedded afresh.
     */
    @Override
    public NDArray embedAll(org.reprodiff.data.ImageSet set, int[] indices, NDManager m) {
        String data = meta.path("data").asText();
        if (file == null || indices != null || !set.identity().startsWith(data)) {
            return Similarity.super.embedAll(set, indices, m);
        }
        // the training's own numbers make the name unique to these weights, should the detector be retrained
        String weights = meta.path("train_seconds").asText() + " " + meta.path("final_loss").asText();
        Path cached = file.resolveSibling(file.getFileName() + "." + CopyDetectors.digest(set.identity() + "\n" + weights) + ".npy");
        long dim = meta.path("dim").asLong();
        if (java.nio.file.Files.isRegularFile(cached)) {
            try {
                // float32 straight to float[], without NpyArray's double[] copy of a split's 60000 × dim values
                Npy.Floats a = Npy.readFloats(cached);
                if (a.shape().length == 2 && a.shape()[0] == set.size() && a.shape()[1] == dim) {
                    return m.create(a.values(), new ai.djl.ndarray.types.Shape(a.shape()));
                }
            } catch (UserException e) {
                // unreadable: computed again below and written over
            }
        }
        NDArray e = Similarity.super.embedAll(set, null, m);
        Npy.writeFloats(cached, e.getShape().getShape(), e.toFloatArray());
        return e;
    }

    /** Where this detector lives (its descriptor caches go beside it); null for one not saved. */
    void setFile(Path f) {
        file = f;
    }

    /**
     * Images per encoder call. Each new call shape costs a float64 kernel check (nn.ConvPaths), which grows with
     * the batch: 10000 samples at 16×16 on the Zen 5 VM, 2 threads, took 9.9 s at 128, 9.1 s at 256, 11.6 s at
     * 500 and 16.0 s at 1000 (pixel GL: 9.8 s).
     */
    @Override
    public int batchSize() {
        return 256;
    }

    @Override
    public String name() {
        return label;
    }

    @Override
    public double defaultThreshold() {
        return meta.path("threshold").asDouble();
    }

    /** Writes the detector atomically. */
    public void save(Path file) {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        byte[] json = Json.toLine(meta).getBytes(StandardCharsets.UTF_8);
        double[] bytes = new double[json.length];
        for (int i = 0; i < json.length; i++) {
            bytes[i] = json[i] & 0xFF;
        }
        arrays.put("meta", new NpyArray("|u1", new long[] {json.length}, bytes));
        for (Pair<String, Parameter> p : encoder.getParameters()) {
            NDArray a = p.getValue().getArray();
            arrays.put(p.getKey(), NpyArray.ofFloats(a.getShape().getShape(), a.toFloatArray()));
        }
        Npy.writeNpz(file, arrays);
        this.file = file;
    }

    /** Reads a detector file; any defect is a one-line error naming the file. */
    public static LearnedSimilarity load(Path file, NDManager parent) {
        Map<String, NpyArray> arrays = Npy.readNpz(file);
        NpyArray metaBytes = arrays.get("meta");
        if (metaBytes == null || !metaBytes.dtype().equals("|u1")) {
            throw UserException.of(file, "not a reprodiff copy detector (no meta entry)");
        }
        byte[] b = new byte[metaBytes.values().length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) metaBytes.values()[i];
        }
        ObjectNode meta;
        try {
            JsonNode n = Json.MAPPER.readTree(new String(b, StandardCharsets.UTF_8));
            if (n instanceof ObjectNode o && "reprodiff-copy-detector-1".equals(o.path("format").asText())) {
                throw UserException.of(file, "a copy detector of an older format (1, uncentred images): train a"
                        + " new one (score calibrate --similarity learned)");
            }
            if (!(n instanceof ObjectNode o) || !FORMAT.equals(o.path("format").asText())) {
                throw UserException.of(file, "not a " + FORMAT + " file");
            }
            meta = o;
        } catch (java.io.IOException e) {
            throw UserException.of(file, "corrupt copy detector metadata: " + e.getMessage());
        }
        JsonNode shape = meta.path("shape");
        int w = meta.path("width").asInt();
        int dim = meta.path("dim").asInt();
        double thr = meta.path("threshold").asDouble(Double.NaN);
        if (shape.size() != 3 || w < 8 || dim < 1 || !(thr > -1 && thr < 1)) {
            throw UserException.of(file, "corrupt copy detector metadata (shape, width, dim or threshold)");
        }
        int c = shape.get(0).asInt();
        int h = shape.get(1).asInt();
        int wd = shape.get(2).asInt();
        String why = CopyEncoder.unsupported(c, h, wd);
        if (why != null) {
            throw UserException.of(file, why);
        }
        Torch.init();
        NDManager m = parent.newSubManager();
        CopyEncoder enc = new CopyEncoder(c, h, wd, w, dim);
        enc.init(m);
        Torch.noGrad(() -> {
            for (Pair<String, Parameter> p : enc.getParameters()) {
                NDArray a = p.getValue().getArray();
                NpyArray v = arrays.get(p.getKey());
                if (v == null || !java.util.Arrays.equals(v.shape(), a.getShape().getShape())) {
                    m.close();
                    throw UserException.of(file, "corrupt copy detector: parameter " + p.getKey()
                            + (v == null ? " missing" : " has shape " + v.shapeString()));
                }
                float[] f = v.toFloats();
                for (float x : f) {
                    if (!Float.isFinite(x)) {
                        m.close();
                        throw UserException.of(file, "corrupt copy detector: parameter " + p.getKey() + " is not finite");
                    }
                }
                org.reprodiff.train.Nets.assign(a, f);
            }
        });
        LearnedSimilarity s = new LearnedSimilarity(enc, meta, m, "learned");
        s.file = file;
        return s;
    }

    @Override
    public void close() {
        manager.close();
    }
}
