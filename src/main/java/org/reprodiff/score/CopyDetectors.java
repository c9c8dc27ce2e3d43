package org.reprodiff.score;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.function.Supplier;
import org.reprodiff.data.ImageSet;
import org.reprodiff.nn.CopyEncoder;
import org.reprodiff.util.Json;
import org.reprodiff.util.UserException;

/**
 * Trained copy detectors, cached by (data identity, seed, recipe, version) under ~/.cache/reprodiff/detectors
 * (or $REPRODIFF_CACHE/detectors, or the system property reprodiff.cache), so that a study trains one once. A cached file that is corrupt, or whose
 * metadata names another data set, seed or recipe, is retrained over (atomically), never used.
 */
public final class CopyDetectors {
    /** The detector's own seed: fixed, so that every study of one data set shares one detector. */
    public static final long SEED = 0;
    /** Held-out images and copies per kind used to choose the threshold (and report the rates). */
    public static final int CALIBRATION_QUERIES = 1000;

    private CopyDetectors() {}

    public static Path cacheDir() {
        return org.reprodiff.util.Caches.root().resolve("detectors");
    }

    /** The cache key: a digest of what determines the detector. */
    static String key(String identity, long seed, CopyRecipe r) {
        return digest(identity + "\n" + seed + "\n" + r.describe());
    }

    /** 24 hex digits of SHA-256. */
    static String digest(String text) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The detector for a training split: from the cache, or trained on {@code train} and calibrated against
     * {@code heldOut} (test images: the non-copies), then cached.
     */
    public static LearnedSimilarity obtain(ImageSet train, Supplier<ImageSet> heldOut, CopyRecipe r, NDManager m,
            boolean progress) {
        String why = CopyEncoder.unsupported(train.channels(), train.height(), train.width());
        if (why != null) {
            throw new UserException("--similarity learned: " + why + " (data " + train.identity() + ")");
        }
        Path file = cacheDir().resolve(key(train.identity(), SEED, r) + ".npz");
        if (Files.isRegularFile(file)) {
            try {
                LearnedSimilarity s = LearnedSimilarity.load(file, m);
                ObjectNode meta = s.meta();
                if (meta.path("data").asText().equals(train.identity()) && meta.path("seed").asLong(-1) == SEED
                        && meta.path("recipe").asText().equals(r.describe())) {
                    return s;
                }
                s.close();
                System.err.println("reprodiff: copy detector " + file + " was made for another data set or recipe: retraining");
            } catch (UserException e) {
                System.err.println("reprodiff: copy detector " + file + " is unusable (" + e.getMessage() + "): retraining");
            }
        }
        ImageSet held = heldOut.get();
        LearnedSimilarity s = train(train, held, r, SEED, m, progress);
        s.save(file);
        return s;
    }

    /** Trains and calibrates a detector (no cache). */
    public static LearnedSimilarity train(ImageSet train, ImageSet heldOut, CopyRecipe r, long seed, NDManager m,
            boolean progress) {
        NDManager sub = m.newSubManager();
        CopyTraining.Trained t = CopyTraining.train(train, r, seed, sub, progress);
        ObjectNode meta = Json.object();
        meta.put("format", LearnedSimilarity.FORMAT);
        meta.put("recipe", r.describe());
        meta.put("data", train.identity());
        meta.put("train_size", train.size());
        meta.put("seed", seed);
        meta.putArray("shape").add(train.channels()).add(train.height()).add(train.width());
        meta.put("width", r.width());
        meta.put("dim", r.dim());
        meta.put("train_seconds", t.seconds());
        float[] l = t.losses();
        meta.put("first_loss", l[0]);
        meta.put("final_loss", mean(l, Math.max(0, l.length - Math.max(1, l.length / 20)), l.length));
        meta.put("threshold", 0.5);
        LearnedSimilarity s = new LearnedSimilarity(t.encoder(), meta, sub, "learned");
        Calibration.Candidate c = Calibration.candidate(s, train, heldOut, CALIBRATION_QUERIES, seed, sub);
        meta.put("threshold", c.threshold());
        meta.put("held_out", heldOut.identity());
        meta.set("calibration", Json.MAPPER.valueToTree(c));
        return s;
    }

    private static double mean(float[] v, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += v[i];
        }
        return s / (to - from);
    }
}
