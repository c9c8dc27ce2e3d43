package org.reprodiff.study;

import java.util.function.Supplier;
import org.reprodiff.util.UserException;

/**
 * Where the CLI gets its CellWork and DataSizer. After the merge the lead sets
 * {@code CellWorks.setReal(RealCellWork::new, RealCellWork::datasetSize)} (or replaces the defaults below).
 * --dry-run uses {@link FakeCellWork}: simulated cells, for checking a spec, sharding and the report.
 */
public final class CellWorks {
    private static volatile Supplier<CellWork> real = () -> {
        throw new UserException("study: training, sampling and scoring are not wired into studies yet; "
                + "use --dry-run to exercise the study machinery with simulated cells");
    };
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

    public static CellWork dryRun() {
        return new FakeCellWork();
    }
}
