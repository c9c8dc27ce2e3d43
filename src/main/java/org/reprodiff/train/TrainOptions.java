package org.reprodiff.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.reprodiff.nn.Architectures;
import org.reprodiff.util.UserException;

/**
 * Every option of a training run, validated on construction. The data itself is an ImageSet whose
 * identity is recorded; dataSpec/n/subsetSeed/resize say how the CLI made it (null when built in code).
 * {@link #fingerprint()} holds the options that change the trained weights: resuming with others is refused.
 */
public record TrainOptions(
        @JsonProperty("data") String dataSpec,
        @JsonProperty("n") Integer n,
        @JsonProperty("subset_seed") Long subsetSeed,
        @JsonProperty("resize") Integer resize,
        @JsonProperty("data_identity") String dataIdentity,
        @JsonProperty("arch") String arch,
        @JsonProperty("precond") String precond,
        @JsonProperty("ct") boolean ct,
        @JsonProperty("kimg") double kimg,
        @JsonProperty("batch") int batch,
        @JsonProperty("lr") double lr,
        @JsonProperty("warmup_kimg") double warmupKimg,
        @JsonProperty("ema_halflife_kimg") double emaHalflifeKimg,
        @JsonProperty("ema_rampup_ratio") double emaRampup,
        @JsonProperty("dropout") double dropout,
        @JsonProperty("clip") double clip,
        @JsonProperty("xflip") boolean xflip,
        @JsonProperty("seed") long seed,
        @JsonProperty("max_skips") int maxSkips,
        @JsonProperty("tick_kimg") double tickKimg,
        @JsonProperty("snapshot_kimg") double snapshotKimg,
        @JsonProperty("device") String device) {

    public TrainOptions {
        if (arch == null || !Architectures.names().contains(arch)) {
            throw new UserException("--arch: unknown architecture '" + arch + "' (expected one of "
                    + String.join(", ", Architectures.names()) + ")");
        }
        precond = precond == null ? (ct ? "ct" : "edm") : precond.toLowerCase(Locale.ROOT);
        if (ct && !precond.equals("ct") && !precond.equals("edm")) {
            throw new UserException("--ct: consistency training has its own parameterization; drop --precond " + precond);
        }
        if (ct) {
            precond = "ct";
        } else if (!java.util.List.of("edm", "vp", "ve", "eps").contains(precond)) {
            throw new UserException("--precond: unknown preconditioning '" + precond + "' (expected edm, vp, ve or eps)");
        }
        positive("--kimg", kimg);
        if (batch <= 0) {
            throw new UserException("--batch: must be positive, got " + batch);
        }
        positive("--lr", lr);
        positive("--ema-halflife-kimg", emaHalflifeKimg);
        nonNegative("--warmup-kimg", warmupKimg);
        nonNegative("--ema-rampup", emaRampup);
        nonNegative("--clip", clip);
        nonNegative("--tick-kimg", tickKimg);
        nonNegative("--snapshot-kimg", snapshotKimg);
        if (!(dropout >= 0 && dropout < 1)) {
            throw new UserException("--dropout: must be in [0, 1), got " + dropout);
        }
        if (maxSkips < 1) {
            throw new UserException("--max-skips: must be at least 1, got " + maxSkips);
        }
        if (n != null && n <= 0) {
            throw new UserException("--n: must be positive, got " + n);
        }
        device = device == null ? "cpu" : device;
        if (!device.equals("cpu") && !device.equals("gpu")) {
            throw new UserException("--device: expected cpu or gpu, got '" + device + "'");
        }
    }

    private static void positive(String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new UserException(name + ": must be positive, got " + v);
        }
    }

    private static void nonNegative(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new UserException(name + ": must be zero or positive, got " + v);
        }
    }

    /** ⌈kimg·1000 / batch⌉. */
    public long totalSteps() {
        return (long) Math.ceil(kimg * 1000 / batch - 1e-9);
    }

    /** The options that determine the weights (all but tick, snapshot, device, max-skips). */
    public Map<String, Object> fingerprint() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("data_identity", dataIdentity);
        f.put("arch", arch);
        f.put("precond", precond);
        f.put("ct", ct);
        f.put("kimg", kimg);
        f.put("batch", batch);
        f.put("lr", lr);
        f.put("warmup_kimg", warmupKimg);
        f.put("ema_halflife_kimg", emaHalflifeKimg);
        f.put("ema_rampup_ratio", emaRampup);
        f.put("dropout", dropout);
        f.put("clip", clip);
        f.put("xflip", xflip);
        f.put("seed", seed);
        return f;
    }
}
