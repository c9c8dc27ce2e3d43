package org.reprodiff.data;

import org.reprodiff.util.UserException;

/**
 * PLACEHOLDER from the core branch (issue 3), standing in for the data helper's Datasets: on merge, take the
 * data helper's version. Supports only "molrg" (Molrg.generate(4, 8, 16, 4096, 0)).
 */
public final class Datasets {
    private Datasets() {}

    public static ImageSet load(String spec, String split, Integer resize, int[] classes) {
        if ("molrg".equals(spec)) {
            return Molrg.generate(4, 8, 16, 4096, 0).images();
        }
        throw new UserException("data spec '" + spec + "': not available in this build (placeholder Datasets knows only molrg)");
    }
}
