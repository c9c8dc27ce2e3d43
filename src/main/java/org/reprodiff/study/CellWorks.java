package org.reprodiff.study;

import java.util.function.Supplier;

/**
 * Where the CLI gets its CellWork and DataSizer: {@link RealCellWork} (training, sampling, scoring) by default;
 * tests may swap it. --dry-run uses {@link FakeCellWork}: simulated cells, for checking a spec, sharding and the report.
 */
public final class CellWorks {
    private static volatile Supplier<CellWork> real = RealCellWork::new;
    private static volatile DataSizer sizer = DataSizer.DATASETS;

    private CellWorks() {}

    public static void setReal(Supplier<CellWork> work, DataSizer dataSizer) {
        real = work;
        sizer = dataSizer;
    }

    public static CellWork real() {
        return real.get();
    }

    public static DataSizer sizer() {
        return sizer;
    }

    /** The simulated data sizes of --dry-run (built-in sizes, else 4096). */
    public static DataSizer dryRunSizer() {
        return d -> new FakeCellWork().datasetSize(d);
    }

    /** Simulated cells; REPRODIFF_DRY_RUN_STEP_MS slows each simulated step (to watch progress and workers). */
    public static CellWork dryRun() {
        String ms = System.getenv("REPRODIFF_DRY_RUN_STEP_MS");
        if (ms == null) {
            return new FakeCellWork();
        }
        try {
            return new FakeCellWork(10, Long.parseLong(ms.strip()), DataSizer.BUILTIN);
        } catch (NumberFormatException e) {
            throw new org.reprodiff.util.UserException("REPRODIFF_DRY_RUN_STEP_MS: not a whole number of milliseconds: '"
                    + ms + "'");
        }
    }
}
