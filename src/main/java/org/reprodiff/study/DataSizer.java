package org.reprodiff.study;

/**
 * The number of images a data spec holds (before subsetting), for validating sizes; -1 when unknown
 * (the check is then skipped). After the merge the default is
 * {@code d -> Datasets.load(d.spec(), d.split(), d.resize(), d.classes()).size()}.
 */
@FunctionalInterface
public interface DataSizer {
    int size(StudySpec.DataSpec data);

    /**
     * The real sizes: synthetic sets (shapes, molrg) by their n parameter (no rasterizing), other sets by
     * loading them with Datasets.load (no resize; the classes filter applies). Bad data specs throw UserException.
     */
    DataSizer DATASETS = d -> {
        org.reprodiff.data.DataSpec s = org.reprodiff.data.DataSpec.parse(d.spec());
        if (s.synthetic()) {
            if ("test".equals(d.split())) {
                throw new org.reprodiff.util.UserException(d.spec() + " has no test split");
            }
            if (d.classes() == null) {
                return s.param("n");
            }
        }
        int[] classes = d.classes() == null ? null : d.classes().stream().mapToInt(Integer::intValue).toArray();
        return org.reprodiff.data.Datasets.load(d.spec(), d.split(), null, classes).size();
    };

    /** Known sizes of the installed sets without reading files (fashion-mnist, mnist, cifar10); -1 otherwise. */
    DataSizer BUILTIN = d -> {
        String s = d.spec().toLowerCase(java.util.Locale.ROOT);
        boolean test = "test".equals(d.split());
        if (d.classes() != null) {
            return -1;
        }
        if (s.equals("fashion-mnist-mini")) {
            return test ? 1000 : 4096;
        }
        if (s.equals("fashion-mnist") || s.equals("mnist")) {
            return test ? 10000 : 60000;
        }
        if (s.equals("cifar10") || s.equals("cifar-10")) {
            return test ? 10000 : 50000;
        }
        return -1;
    };
}
