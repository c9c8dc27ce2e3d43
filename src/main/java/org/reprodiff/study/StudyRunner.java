package org.reprodiff.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.reprodiff.study.Plan.PairSpec;
import org.reprodiff.study.StudySpec.SamplerSpec;
import org.reprodiff.util.Json;

/**
 * Runs this process's share of a study's cells, then the pairs it owns whose cells are finished.
 * Crash safety: every output is published by an atomic rename (files via Json.write, sample folders by
 * renaming a ".partial" folder), result.json is written last, and a stage runs only when its output is
 * missing; training resumes from its checkpoint. A cell is worked on under cell.lock (CREATE_NEW).
 */
public final class StudyRunner {
    private final Plan plan;
    private final Path out;
    private final CellWork work;
    private final Shard shard;
    private final PrintStream log;
    private boolean quiet;
    private boolean reclaimLocks;
    private boolean withWorkers;
    private boolean group = true;

    /** Most cells trained as one ensemble; the work says how many pay here ({@link CellWork#groupSize}). */
    static final int MAX_GROUP = 4;

    /** What one run did. */
    public record Summary(int cells, int ran, int alreadyDone, int busy, int otherShards, int pairsWritten,
            int pairsMissing, double seconds) {}

    public StudyRunner(Plan plan, Path out, CellWork work, Shard shard, PrintStream log) {
        this.plan = plan;
        this.out = out;
        this.work = work;
        this.shard = shard;
        this.log = log;
    }

    public StudyRunner quiet(boolean q) {
        quiet = q;
        return this;
    }

    /** Take over every cell.lock (for locks left by dead processes on other hosts). */
    public StudyRunner reclaimLocks(boolean r) {
        reclaimLocks = r;
        return this;
    }

    /**
     * Other processes of this study work beside this one (study --jobs): a locked cell is theirs, counted as
     * handed off in the progress line and not logged.
     */
    public StudyRunner withWorkers(boolean w) {
        withWorkers = w;
        return this;
    }

    /** Train compatible fresh cells as one ensemble (default on; study --no-group turns it off). */
    public StudyRunner group(boolean g) {
        group = g;
        return this;
    }

    public Summary run() {
        long t0 = System.nanoTime();
        Instant started = Instant.now();
        Json.write(out.resolve("study.json"), SpecJson.of(plan.spec()));
        Path meta = out.resolve("meta").resolve(CellSpec.safe(CellLock.host()) + "-" + ProcessHandle.current().pid()
                + "-" + started.toEpochMilli() + ".json");
        ArrayNode ran = Json.MAPPER.createArrayNode();
        writeMeta(meta, started, null, ran);
        double totalCost = 0;
        double maxKimg = plan.cells().stream().mapToDouble(CellSpec::kimg).max().orElse(1);
        int mine = 0;
        for (int i = 0; i < plan.cells().size(); i++) {
            if (shard.owns(i)) {
                mine++;
                totalCost += cost(plan.cells().get(i), maxKimg);
            }
        }
        StudyProgress progress = new StudyProgress(plan.spec().name(), mine, totalCost, System.err);
        progress.quiet(quiet);
        // cells other workers finish count as they finish, not when this loop reaches them (progress counts each once)
        if (withWorkers) {
            progress.watch(() -> {
                for (int i = 0; i < plan.cells().size(); i++) {
                    CellSpec c = plan.cells().get(i);
                    if (shard.owns(i) && Files.isRegularFile(Plan.resultFile(out, c))) {
                        progress.cellDone(i, what(c), cost(c, maxKimg), "done in another worker");
                    }
                }
            });
        }
        int done = 0;
        int busy = 0;
        int didRun = 0;
        for (int i = 0; i < plan.cells().size(); i++) {
            if (!shard.owns(i)) {
                continue;
            }
            CellSpec c = plan.cells().get(i);
            double cost = cost(c, maxKimg);
            String what = what(c);
            if (Files.isRegularFile(Plan.resultFile(out, c))) {
                done++;
                progress.cellDone(i, what, cost, "already done");
                continue;
            }
            Path dir = Plan.cellDir(out, c);
            Optional<CellLock> lock = CellLock.tryAcquire(dir.resolve("cell.lock"), reclaimLocks);
            if (lock.isEmpty()) {
                busy++;
                if (withWorkers) {
                    progress.cellDone(i, what, cost, "in another worker");
                } else {
                    log.println("study: " + what + " is being worked on by " + CellLock.holder(dir.resolve("cell.lock"))
                            + "; skipped");
                }
                continue;
            }
            try (CellLock l = lock.get()) {
                if (Files.isRegularFile(Plan.resultFile(out, c))) {
                    done++;
                    progress.cellDone(i, what, cost, "already done");
                    continue;
                }
                ProgressSink sink = progress.cell(what, cost);
                if (group) {
                    trainWithOthers(i, c, dir, sink);
                }
                runCell(c, dir, sink);
                didRun++;
                ran.add(c.folder());
                progress.cellDone(i, what, cost, "done");
            }
        }
        int[] pairs = runPairs(false);
        double seconds = (System.nanoTime() - t0) / 1e9;
        writeMeta(meta, started, seconds, ran);
        Results.rebuild(plan, out);
        return new Summary(plan.cells().size(), didRun, done, busy, plan.cells().size() - mine, pairs[0], pairs[1], seconds);
    }

    private static String what(CellSpec c) {
        return c.label() + " n=" + c.n();
    }

    /**
     * Trains cell i together with later fresh cells of the same {@link CellWork#groupKey} that this process owns
     * and can lock (as many as {@link CellWork#groupSize} says pay), and marks them trained; each then samples and scores as usual.
     * Nothing happens when no other cell joins (the cell trains alone in runCell).
     */
    private void trainWithOthers(int i, CellSpec c, Path dir, ProgressSink sink) {
        if (c.isReference() || Files.isRegularFile(dir.resolve("train.done.json"))) {
            return;
        }
        String key = work.groupKey(c, dir.resolve("run"));
        if (key == null) {
            return;
        }
        List<Integer> others = new ArrayList<>();
        for (int j = i + 1; j < plan.cells().size(); j++) {
            CellSpec o = plan.cells().get(j);
            Path od = Plan.cellDir(out, o);
            if (shard.owns(j) && !o.isReference() && !Files.isRegularFile(Plan.resultFile(out, o))
                    && !Files.isRegularFile(od.resolve("train.done.json")) && key.equals(work.groupKey(o, od.resolve("run")))) {
                others.add(j);
            }
        }
        int size = others.isEmpty() ? 1 : Math.min(MAX_GROUP, work.groupSize(c)); // measuring costs: only with company
        if (size <= 1) {
            return;
        }
        List<CellSpec> cells = new ArrayList<>(List.of(c));
        List<Path> dirs = new ArrayList<>(List.of(dir));
        List<CellLock> locks = new ArrayList<>();
        try {
            for (int j : others) {
                if (cells.size() >= size) {
                    break;
                }
                CellSpec o = plan.cells().get(j);
                Path od = Plan.cellDir(out, o);
                Optional<CellLock> l = CellLock.tryAcquire(od.resolve("cell.lock"), reclaimLocks);
                if (l.isEmpty()) {
                    continue;
                }
                locks.add(l.get());
                if (Files.isRegularFile(od.resolve("train.done.json"))) { // trained meanwhile by another worker
                    continue;
                }
                cells.add(o);
                dirs.add(od);
            }
            if (cells.size() == 1) {
                return;
            }
            List<Path> runs = new ArrayList<>();
            for (int k = 0; k < cells.size(); k++) {
                Json.write(dirs.get(k).resolve("cell.json"), Results.parse(cells.get(k).canonicalJson()));
                runs.add(dirs.get(k).resolve("run"));
            }
            long t = System.nanoTime();
            work.trainGroup(cells, runs, (f, st) -> sink.update(0.8 * f, "train " + st));
            double seconds = (System.nanoTime() - t) / 1e9;
            for (Path d : dirs) {
                ObjectNode o = Json.object();
                o.put("seconds", seconds / cells.size()); // this cell's share of the ensemble's wall time
                o.put("ensemble", cells.size());
                o.put("ensemble_seconds", seconds);
                o.put("by", CellLock.owner());
                Json.write(d.resolve("train.done.json"), o);
            }
        } finally {
            for (CellLock l : locks) {
                l.close();
            }
        }
    }

    private static double cost(CellSpec c, double maxKimg) {
        return c.isReference() ? 0.01 * maxKimg : Math.max(c.kimg(), 1e-3);
    }

    private void runCell(CellSpec c, Path dir, ProgressSink sink) {
        Json.write(dir.resolve("cell.json"), Results.parse(c.canonicalJson()));
        Map<String, Double> seconds = new LinkedHashMap<>();
        Path trainDone = dir.resolve("train.done.json");
        int stages = c.samplers().size() + (c.isReference() ? 0 : 1);
        double base = 0;
        if (!c.isReference()) {
            double w = 0.8;
            if (!Files.isRegularFile(trainDone)) {
                long t = System.nanoTime();
                work.train(c, dir.resolve("run"), (f, s) -> sink.update(w * f, "train " + s));
                ObjectNode o = Json.object();
                o.put("seconds", (System.nanoTime() - t) / 1e9);
                o.put("by", CellLock.owner());
                Json.write(trainDone, o);
            }
            seconds.put("train", readSeconds(trainDone));
            base = w;
        }
        double per = (1 - base) / c.samplers().size();
        ObjectNode scores = Json.object();
        double sampleSec = 0;
        double scoreSec = 0;
        for (int k = 0; k < c.samplers().size(); k++) {
            SamplerSpec s = c.samplers().get(k);
            double from = base + k * per;
            Path samples = dir.resolve("samples").resolve(s.label());
            Path sampleDone = dir.resolve("samples").resolve(s.label() + ".done.json");
            if (!Files.isDirectory(samples)) {
                Path partial = dir.resolve("samples").resolve("." + s.label() + ".partial");
                deleteTree(partial);
                mkdirs(partial);
                long t = System.nanoTime();
                work.sample(c, c.isReference() ? null : dir.resolve("run"), s, c.seedValues(), partial,
                        (f, st) -> sink.update(from + 0.8 * per * f, s.label() + " " + st));
                ObjectNode o = Json.object();
                o.put("seconds", (System.nanoTime() - t) / 1e9);
                Json.write(sampleDone, o);
                move(partial, samples);
            }
            sampleSec += readSeconds(sampleDone);
            Path scoreFile = dir.resolve("scores").resolve(s.label() + ".json");
            if (!Files.isRegularFile(scoreFile)) {
                long t = System.nanoTime();
                Map<String, Double> sc = work.score(c, samples, (f, st) -> sink.update(from + per * (0.8 + 0.2 * f), "score " + st));
                ObjectNode o = Json.object();
                o.set("scores", Json.MAPPER.valueToTree(new java.util.TreeMap<>(sc)));
                o.put("seconds", (System.nanoTime() - t) / 1e9);
                Json.write(scoreFile, o);
            }
            JsonNode so = readJson(scoreFile);
            scores.set(s.label(), so.get("scores"));
            scoreSec += so.path("seconds").asDouble();
        }
        seconds.put("sample", sampleSec);
        seconds.put("score", scoreSec);
        ObjectNode r = Json.object();
        r.put("hash", c.hash());
        r.put("folder", c.folder());
        r.put("kind", c.kind());
        r.put("name", c.name());
        r.put("label", c.label());
        r.put("arch", c.arch());
        r.put("n", c.n());
        r.put("part", c.part());
        r.put("kimg", c.kimg());
        r.set("scores", scores);
        r.set("seconds", Json.MAPPER.valueToTree(seconds));
        r.put("by", CellLock.owner());
        r.put("finished", Instant.now().toString());
        r.put("stages", stages);
        Json.write(dir.resolve("result.json"), r);
    }

    /**
     * Writes the missing (or stale) pair files whose two cells are finished: those this shard owns (pair
     * index mod count), or all of them when {@code all}. Returns {written, still missing}.
     */
    public int[] runPairs(boolean all) {
        int written = 0;
        int missing = 0;
        for (int i = 0; i < plan.pairs().size(); i++) {
            PairSpec p = plan.pairs().get(i);
            if (!all && !shard.owns(i)) {
                continue;
            }
            Path file = out.resolve(p.file());
            if (isCurrent(file, p)) {
                continue;
            }
            if (!Files.isRegularFile(Plan.resultFile(out, p.a())) || !Files.isRegularFile(Plan.resultFile(out, p.b()))) {
                missing++;
                continue;
            }
            CellWork.PairScore s = work.pair(p.a(), Plan.samplesDir(out, p.a(), p.sampler()), p.b(),
                    Plan.samplesDir(out, p.b(), p.sampler()), plan.spec().similarity());
            Json.write(file, pairJson(p, s, plan.spec().similarity()));
            written++;
        }
        return new int[] {written, missing};
    }

    static boolean isCurrent(Path file, PairSpec p) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        JsonNode n = readJson(file);
        return p.a().hash().equals(n.path("hashA").asText()) && p.b().hash().equals(n.path("hashB").asText())
                && p.sampler().label().equals(n.path("sampler").asText());
    }

    static ObjectNode pairJson(PairSpec p, CellWork.PairScore s, StudySpec.SimilaritySpec sim) {
        ObjectNode o = Json.object();
        o.put("a", p.a().label());
        o.put("b", p.b().label());
        o.put("kindA", p.a().kind());
        o.put("kindB", p.b().kind());
        o.put("n", p.a().n());
        o.put("sampler", p.sampler().label());
        o.put("rp", s.rp());
        o.put("meanSimilarity", s.meanSimilarity());
        o.put("backend", sim.backend());
        o.put("threshold", sim.rpThreshold());
        o.put("hashA", p.a().hash());
        o.put("hashB", p.b().hash());
        return o;
    }

    private void writeMeta(Path meta, Instant started, Double seconds, ArrayNode ran) {
        ObjectNode o = Json.object();
        o.put("study", plan.spec().name());
        o.put("shard", shard.toString());
        o.put("owner", CellLock.owner());
        o.put("work", work.getClass().getSimpleName());
        o.put("started", started.toString());
        if (seconds != null) {
            o.put("ended", Instant.now().toString());
            o.put("seconds", seconds);
        }
        o.set("cellsRun", ran);
        o.set("machine", Machine.describe());
        Json.write(meta, o);
    }

    static JsonNode readJson(Path file) {
        try {
            return Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    private static double readSeconds(Path file) {
        return Files.isRegularFile(file) ? readJson(file).path("seconds").asDouble() : 0;
    }

    private static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void move(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            try {
                Files.move(from, to);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(to + ": cannot publish samples: " + e.getMessage(), e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
