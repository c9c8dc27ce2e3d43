package org.reprodiff.score;

import java.util.Locale;
import org.reprodiff.util.UserException;

/**
 * How a copy detector is trained: encoder width w (levels w, 2w, 4w) and descriptor size, batch (images; each
 * gives two edited views), Adam steps, peak learning rate (linear warm-up over the first 5%, cosine decay), the
 * InfoNCE temperature, the weight of the KoLeo entropy term (SSCD's regulariser that spreads descriptors), and the
 * pool of images among which half of each batch is the nearest pixel-space neighbour of the other half: copies
 * must be told from look-alikes, and random batches rarely hold one.
 */
public record CopyRecipe(int width, int dim, int batch, int steps, double lr, double temperature, double koleo,
        int hardPool) {
    /** Bumped whenever the training procedure changes what a recipe produces (part of the cache key). */
    public static final int VERSION = 2;
    public static final CopyRecipe DEFAULT = new CopyRecipe(
            Integer.getInteger("reprodiff.copy.width", 16), Integer.getInteger("reprodiff.copy.dim", 128),
            Integer.getInteger("reprodiff.copy.batch", 128), Integer.getInteger("reprodiff.copy.steps", 1500),
            Double.parseDouble(System.getProperty("reprodiff.copy.lr", "2e-3")),
            Double.parseDouble(System.getProperty("reprodiff.copy.tau", "0.05")),
            Double.parseDouble(System.getProperty("reprodiff.copy.koleo", "0.5")),
            Integer.getInteger("reprodiff.copy.pool", 8192));

    public CopyRecipe {
        if (width < 8 || width % 8 != 0 || dim < 8 || batch < 4 || batch % 2 != 0 || steps < 1 || !(lr > 0)
                || !(temperature > 0) || !(koleo >= 0) || hardPool < 2) {
            throw new UserException("copy detector recipe: invalid " + describe0(width, dim, batch, steps, lr,
                    temperature, koleo, hardPool));
        }
    }

    public CopyRecipe withSteps(int s) {
        return new CopyRecipe(width, dim, batch, s, lr, temperature, koleo, hardPool);
    }

    /** A canonical one-line form: part of the cache key and of the detector file's metadata. */
    public String describe() {
        return describe0(width, dim, batch, steps, lr, temperature, koleo, hardPool);
    }

    private static String describe0(int width, int dim, int batch, int steps, double lr, double t, double k, int pool) {
        return String.format(Locale.ROOT, "v%d width=%d dim=%d batch=%d steps=%d lr=%g tau=%g koleo=%g pool=%d",
                VERSION, width, dim, batch, steps, lr, t, k, pool);
    }

    /** Peak learning rate times the linear warm-up (first 5% of steps) and cosine decay, at step (0-based). */
    public double lrAt(long step) {
        double warm = Math.min(1.0, (step + 1) / Math.max(1.0, 0.05 * steps));
        return lr * warm * 0.5 * (1 + Math.cos(Math.PI * step / steps));
    }
}
