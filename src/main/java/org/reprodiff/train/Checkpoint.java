package org.reprodiff.train;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.reprodiff.nn.ConvPaths;
import org.reprodiff.noise.Npy;
import org.reprodiff.util.Cpu;
import org.reprodiff.util.Json;
import org.reprodiff.util.UserException;

/**
 * A run's checkpoint: checkpoint-STEP.npz holds float32 arrays "model.P", "ema.P", "adam_m.P", "adam_v.P" for
 * every parameter path P; checkpoint.json holds the format, counters (step, nimg, adam_steps, skips), the seed
 * (every random draw is a function of (seed, step)), the options fingerprint, the .npz name and its SHA-256.
 * ema.npz holds the EMA weights alone ("P"). Each file is written atomically, checkpoint.json last, so a crash
 * leaves the previous checkpoint valid.
 */
public final class Checkpoint {
    public static final String FORMAT = "reprodiff-checkpoint-1";
    public static final String JSON = "checkpoint.json";
    public static final String EMA = "ema.npz";
    public static final List<String> GROUPS = List.of("model", "ema", "adam_m", "adam_v");

    public record Counters(long step, long nimg, long adamSteps, long skips) {}

    /** What a valid checkpoint holds: counters and float values by "group.path". */
    public record Loaded(Counters counters, Map<String, float[]> values) {}

    private Checkpoint() {}

    /** groups: GROUPS in order, each one flat array laid out as fp. */
    static void save(Path dir, FlatParams fp, List<NDArray> groups, Counters c, long seed,
            Map<String, Object> fingerprint) {
        String npz = String.format("checkpoint-%09d.npz", c.step());
        List<String> names = fp.names();
        List<Npz32.Entry> arrays = new java.util.ArrayList<>();
        List<Npz32.Entry> ema = new java.util.ArrayList<>();
        for (int g = 0; g < GROUPS.size(); g++) {
            float[] all = groups.get(g).toFloatArray(); // one copy per group, no per-array or double[] copies
            for (int i = 0; i < names.size(); i++) {
                arrays.add(new Npz32.Entry(GROUPS.get(g) + "." + names.get(i), fp.shapes().get(i), all, (int) fp.offsets()[i]));
                if (GROUPS.get(g).equals("ema")) {
                    ema.add(new Npz32.Entry(names.get(i), fp.shapes().get(i), all, (int) fp.offsets()[i]));
                }
            }
        }
        Npz32.write(dir.resolve(npz), arrays);
        Npz32.write(dir.resolve(EMA), ema);
        ObjectNode j = Json.object();
        j.put("format", FORMAT);
        j.put("step", c.step());
        j.put("nimg", c.nimg());
        j.put("adam_steps", c.adamSteps());
        j.put("skips", c.skips());
        j.put("seed", seed);
        j.put("file", npz);
        j.put("sha256", sha256(dir.resolve(npz)));
        j.set("fingerprint", Json.MAPPER.valueToTree(fingerprint));
        // Where the weights came from, for comparing two runs of one config that differ (not validated on load).
        j.put("cpu", Cpu.describe());
        j.set("conv_paths", Json.MAPPER.valueToTree(ConvPaths.trainingWays()));
        Json.write(dir.resolve(JSON), j);
        try (DirectoryStream<Path> old = Files.newDirectoryStream(dir, "checkpoint-*.npz")) {
            for (Path p : old) {
                if (!p.getFileName().toString().equals(npz)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot remove old checkpoints: " + e.getMessage(), e);
        }
    }

    public static boolean exists(Path dir) {
        return Files.exists(dir.resolve(JSON));
    }

    /** Reads and validates a checkpoint against parameter paths and shapes; any defect is one UserException. */
    public static Loaded load(Path dir, List<String> names, List<long[]> shapes) {
        Path jf = dir.resolve(JSON);
        JsonNode j = Json.read(jf, JsonNode.class);
        if (!FORMAT.equals(j.path("format").asText())) {
            throw UserException.of(jf, "not a reprodiff checkpoint (format '" + j.path("format").asText() + "')");
        }
        for (String k : List.of("step", "nimg", "adam_steps", "skips", "file", "sha256")) {
            if (!j.hasNonNull(k)) {
                throw UserException.of(jf, "corrupt checkpoint: no '" + k + "'");
            }
        }
        Path npz = dir.resolve(j.get("file").asText());
        if (!Files.isRegularFile(npz)) {
            throw UserException.of(npz, "checkpoint data missing");
        }
        if (!sha256(npz).equals(j.get("sha256").asText())) {
            throw UserException.of(npz, "corrupt or truncated checkpoint (SHA-256 differs from " + JSON + ")");
        }
        Map<String, Npy.Floats> arrays = Npz32.read(npz);
        Map<String, float[]> values = new LinkedHashMap<>();
        for (String g : GROUPS) {
            for (int i = 0; i < names.size(); i++) {
                String key = g + "." + names.get(i);
                Npy.Floats a = arrays.get(key);
                if (a == null) {
                    throw UserException.of(npz, "checkpoint lacks array '" + key + "' (a different network?)");
                }
                if (!Arrays.equals(a.shape(), shapes.get(i))) {
                    throw UserException.of(npz, "array '" + key + "' has shape " + Arrays.toString(a.shape()) + ", the network needs "
                            + Arrays.toString(shapes.get(i)));
                }
                values.put(key, a.values());
            }
        }
        Counters c = new Counters(j.get("step").asLong(), j.get("nimg").asLong(), j.get("adam_steps").asLong(),
                j.get("skips").asLong());
        if (c.step() < 0 || c.nimg() < 0 || c.adamSteps() < 0 || c.adamSteps() > c.step()) {
            throw UserException.of(jf, "corrupt checkpoint: inconsistent counters");
        }
        return new Loaded(c, values);
    }

    /** The EMA weights of a run (ema.npz), validated against paths and shapes. */
    public static Map<String, float[]> loadEma(Path dir, List<String> names, List<long[]> shapes) {
        Path f = dir.resolve(EMA);
        Map<String, Npy.Floats> arrays = Npz32.read(f);
        Map<String, float[]> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            Npy.Floats a = arrays.get(names.get(i));
            if (a == null || !Arrays.equals(a.shape(), shapes.get(i))) {
                throw UserException.of(f, "EMA weights do not match the network ('" + names.get(i) + "')");
            }
            out.put(names.get(i), a.values());
        }
        return out;
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) {
                md.update(buf, 0, r);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw UserException.of(file, "cannot read: " + e.getMessage());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
