package org.reprodiff.study;

/**
 * The number of images a data spec holds (before subsetting), for validating sizes; -1 when unknown
 * (the check is then skipped). After the merge the default is
 * {@code d -> Datasets.load(d.spec(), d.split(), d.resize(), d.classes()).size()}.
 */
@FunctionalInterface
public interface DataSizer {
    int size(StudySpec.DataSpec data);

    /** Known sizes of the built-in sets until the data package is wired; -1 otherwise. */
    DataSizer BUILTIN = d -> {
        String s = d.spec().toLowerCase(java.util.Locale.ROOT);
        boolean test = "test".equals(d.split());
        if (d.classes() != null) {
            return -1;
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
