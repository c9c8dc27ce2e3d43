package org.reprodiff.study;

import java.nio.file.Path;
import java.util.Map;
import org.reprodiff.study.StudySpec.SamplerSpec;

/**
 * The stages one cell runs: the seam between the study runner and training, sampling and scoring.
 * The runner guarantees: a stage is called only when its output is missing; a cell is worked on by one
 * process at a time (cell.lock); outputs are published atomically by the runner (sample dirs are renamed
 * into place after {@link #sample} returns). Implementations must be deterministic given the CellSpec.
 */
public interface CellWork {
    /**
     * Trains the cell's model into runDir, RESUMING from runDir's last checkpoint when there is one, and
     * returns when the run is complete (returns at once when it already was). Never called for references.
     * The training set is the cell's subset: {@link Subsets#of}.
     */
    void train(CellSpec cell, Path runDir, ProgressSink progress);

    /**
     * Samples the cell from the given seeds with one sampler into samplesDir (exists, empty): at least
     * samples.npy, float32 (S, C, H, W) in [-1, 1], row s drawn from seeds[s]. runDir is null for references.
     */
    void sample(CellSpec cell, Path runDir, SamplerSpec sampler, long[] seeds, Path samplesDir, ProgressSink progress);

    /**
     * Scores of one sample set against the cell's own training subset: at least "gl" (generalization,
     * similarity back end and threshold of the cell), optionally "mem" (Gu et al. ratio) and others.
     */
    Map<String, Double> score(CellSpec cell, Path samplesDir, ProgressSink progress);

    /** RP(a, b) (fraction of seeds with similarity &gt; threshold) and the mean similarity, same seeds. */
    PairScore pair(CellSpec a, Path samplesA, CellSpec b, Path samplesB, StudySpec.SimilaritySpec similarity);

    /** The study's similarity with calibrated thresholds filled in (learned: trains its detector if needed). */
    default StudySpec.SimilaritySpec resolve(StudySpec spec) {
        if (spec.similarity().calibrated()) {
            throw new org.reprodiff.util.UserException("similarity.threshold: missing");
        }
        return spec.similarity();
    }

    /**
     * The nearest training image (by the cell's similarity back end) of each of the first count samples in
     * samplesDir, for the report's seed explorer; null when this work cannot tell (the report then shows none).
     */
    default Nearest nearest(CellSpec cell, Path samplesDir, int count) {
        return null;
    }

    /**
     * Cells with the same non-null key may train together as one ensemble ({@link #trainGroup}); null: this cell
     * trains alone (the default; also for a run that has a checkpoint already, which resumes alone).
     */
    default String groupKey(CellSpec cell, Path runDir) {
        return null;
    }

    /** The most cells of this cell's group key worth training as one here (1: alone). */
    default int groupSize(CellSpec cell) {
        return 4;
    }

    /**
     * Trains cells of one {@link #groupKey} into their run folders, as {@link #train} would each; the progress
     * covers them all. The default trains them one after another.
     */
    default void trainGroup(java.util.List<CellSpec> cells, java.util.List<Path> runDirs, ProgressSink progress) {
        for (int i = 0; i < cells.size(); i++) {
            int done = i;
            int n = cells.size();
            train(cells.get(i), runDirs.get(i), (f, s) -> progress.update((done + f) / n, s));
        }
    }

    record PairScore(double rp, double meanSimilarity) {}

    /** index[i]: the training image (in the cell's subset) nearest sample i; images: those, (count, c, h, w) float32 in [-1, 1]. */
    record Nearest(int[] index, float[] similarity, float[] images, int c, int h, int w) {}
}
