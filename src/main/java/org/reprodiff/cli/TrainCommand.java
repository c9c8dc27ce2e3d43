package org.reprodiff.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.reprodiff.data.Datasets;
import org.reprodiff.data.ImageSet;
import org.reprodiff.train.TrainRun;
import org.reprodiff.train.TrainStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a diffusion (or consistency) model into a run folder; resumable.",
            "Folder: options.json, stats.jsonl, checkpoint.json + checkpoint-STEP.npz, ema.npz (the EMA model).",
            "Ctrl-C stops at a step boundary and writes a checkpoint; continue with --resume."})
public final class TrainCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "SPEC", description = "Dataset (fashion-mnist, molrg, ...).")
    String data;
    @Option(names = "--n", paramLabel = "N", description = "Train on a subset of N images (default: all).")
    Integer n;
    @Option(names = "--subset-seed", paramLabel = "S", defaultValue = "0", description = "Seed of the subset (default: ${DEFAULT-VALUE}).")
    long subsetSeed;
    @Option(names = "--resize", paramLabel = "R", description = "Area-resize images to R×R.")
    Integer resize;
    @Option(names = "--classes", split = ",", paramLabel = "C", description = "Keep only these labels.")
    int[] classes;
    @Option(names = "--arch", required = true, description = "Network architecture.")
    String arch;
    @Option(names = "--precond", description = "vp, ve or edm (default edm; omit with --ct).")
    String precond;
    @Option(names = "--ct", description = "Consistency training (improved CT, Song & Dhariwal 2023).")
    boolean ct;
    @Option(names = "--kimg", required = true, description = "Training length in thousands of images.")
    double kimg;
    @Option(names = "--batch", required = true, description = "Batch size.")
    int batch;
    @Option(names = "--lr", defaultValue = "2e-3", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double lr;
    @Option(names = "--warmup-kimg", defaultValue = "0", description = "Linear learning-rate warm-up (default: none).")
    double warmupKimg;
    @Option(names = "--ema-halflife-kimg", defaultValue = "500", description = "EMA half-life in kimg (default: ${DEFAULT-VALUE}).")
    double emaHalflifeKimg;
    @Option(names = "--ema-rampup", defaultValue = "0.05", description = "EMA ramp-up ratio, 0 for none (default: ${DEFAULT-VALUE}).")
    double emaRampup;
    @Option(names = "--dropout", defaultValue = "0", description = "Dropout rate (default: ${DEFAULT-VALUE}).")
    double dropout;
    @Option(names = "--clip", defaultValue = "0", description = "Clip the global gradient norm to this (default: off).")
    double clip;
    @Option(names = "--xflip", description = "Random horizontal flips.")
    boolean xflip;
    @Option(names = "--seed", required = true, description = "Training seed (initialisation, order, noise, dropout).")
    long seed;
    @Option(names = "--out", required = true, paramLabel = "RUN", description = "Run folder.")
    Path out;
    @Option(names = "--resume", description = "Continue the run in --out.")
    boolean resume;
    @Option(names = "--force", description = "With --resume: continue even if options differ.")
    boolean force;
    @Option(names = "--max-skips", defaultValue = "10", description = "Stop after this many consecutive non-finite steps (default: ${DEFAULT-VALUE}).")
    int maxSkips;
    @Option(names = "--tick-kimg", defaultValue = "0", description = "Stats line interval (default: kimg/50).")
    double tickKimg;
    @Option(names = "--snapshot-kimg", defaultValue = "0", description = "Checkpoint interval (default: kimg/10).")
    double snapshotKimg;
    @Option(names = "--device", defaultValue = "cpu", description = "cpu or gpu (default: ${DEFAULT-VALUE}).")
    String device;

    @Override
    public Integer call() throws Exception {
        ImageSet set = Datasets.load(data, "train", resize, classes);
        if (n != null) {
            set = set.subset(n, subsetSeed);
        }
        TrainRun run = TrainRun.builder().data(set).dataSpec(data, n, n == null ? null : subsetSeed, resize)
                .arch(arch).precond(precond).ct(ct).kimg(kimg).batch(batch).lr(lr).warmupKimg(warmupKimg)
                .emaHalflifeKimg(emaHalflifeKimg).emaRampup(emaRampup).dropout(dropout).clip(clip).xflip(xflip)
                .seed(seed).maxSkips(maxSkips).tickKimg(tickKimg).snapshotKimg(snapshotKimg).device(device)
                .out(out).resume(resume).force(force).build();
        Thread hook = new Thread(() -> {
            run.requestStop();
            try {
                run.awaitDone(600_000);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "reprodiff-train-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        TrainStats s;
        try {
            s = run.run(true);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it waits for the checkpoint just written
            }
        }
        spec.commandLine().getOut().println(String.format(Locale.ROOT,
                "%s: %s at step %d/%d (%.1f kimg), loss %.4f, %.1f img/s, %d skipped steps",
                out, s.finished() ? "finished" : "stopped (checkpoint written; continue with --resume)", s.step(),
                s.totalSteps(), s.nimg() / 1000.0, s.loss(), s.imgPerSecond(), s.skips()));
        return s.finished() ? Main.OK : 130;
    }
}
