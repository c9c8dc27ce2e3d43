package org.reprodiff.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.reprodiff.util.UserException;

/**
 * Loads an image set from a data spec ({@link DataSpec}). The identity records exactly what was loaded:
 * canonical spec, "/split" for file sets, then "+resize=H" and "+classes=a,b" when given, e.g.
 * "fashion-mnist/train+resize=16+classes=0,3". Subsets append "|subset n=.. seed=.." ({@link ImageSet}).
 */
public final class Datasets {
    public static final Path SYSTEM_DIR = Path.of("/usr/share/datasets");
    public static final String ENV = "REPRODIFF_DATA";

    private Datasets() {}

    /** Defaults: train split, no resize, all classes. */
    public static ImageSet load(String spec) {
        return load(spec, null, null, null);
    }

    /**
     * @param split "train" or "test" (null = train); synthetic sets and folders have no test split
     * @param resize target H (images become H×H, area average), or null
     * @param classes keep only these labels (labels keep their values), or null
     */
    public static ImageSet load(String spec, String split, Integer resize, int[] classes) {
        DataSpec s = DataSpec.parse(spec);
        String sp = split == null ? "train" : split;
        if (!sp.equals("train") && !sp.equals("test")) {
            throw UserException.of("--split", "expected train or test, got '" + split + "'");
        }
        if ((s.synthetic() || s.kind() == DataSpec.Kind.FOLDER) && sp.equals("test")) {
            throw UserException.of("--split", spec + " has no test split");
        }
        if (resize != null && (resize <= 0 || resize > 4096)) {
            throw UserException.of("--resize", "must be in 1..4096, got " + resize);
        }
        String base = s.canonical() + (s.synthetic() || s.kind() == DataSpec.Kind.FOLDER ? "" : "/" + sp);
        String id = identity(spec, sp, resize, classes);
        ImageSet set = read(s, sp, resize, resize == null ? base : base + "+resize=" + resize);
        if (classes != null) {
            set = filterClasses(set, classes, id);
        }
        if (resize != null && s.kind() != DataSpec.Kind.FOLDER) {
            set = Resize.deferred(set, resize, resize, id);
        }
        return set;
    }

    /** The identity load() gives, without loading (for checking a recorded run against its options). */
    public static String identity(String spec, String split, Integer resize, int[] classes) {
        DataSpec s = DataSpec.parse(spec);
        boolean noSplit = s.synthetic() || s.kind() == DataSpec.Kind.FOLDER;
        String id = s.canonical() + (noSplit ? "" : "/" + (split == null ? "train" : split));
        if (resize != null) {
            id += "+resize=" + resize;
        }
        if (classes != null) {
            id += "+classes=" + classList(classes);
        }
        return id;
    }

    private static ImageSet read(DataSpec s, String split, Integer resize, String id) {
        String name = s.kind().word();
        return switch (s.kind()) {
            case FASHION_MNIST, MNIST -> readIdx(installed(name), split, name, id);
            case FASHION_MINI -> readIdx(BuiltIn.folder(name), split, name, id);
            case IDX -> readIdx(existing(s.dir()), split, name, id);
            case CIFAR10 -> Cifar10.read(existing(s.dir()), split, name, id);
            case FOLDER -> ImageFolder.read(existing(s.dir()), resize, name, id);
            case SHAPES -> Shapes.generate(s.param("size"), s.param("n"), s.params().get("seed")).images();
            case MOLRG -> {
                Molrg g = Molrg.generate(s.param("k"), s.param("r"), s.param("side"), s.param("n"), s.params().get("seed"));
                ImageSet x = g.images();
                yield new ImageSet("molrg", id, x.channels(), x.height(), x.width(), x.data(), x.labels());
            }
        };
    }

    /** $REPRODIFF_DATA/NAME if set and present, else /usr/share/datasets/NAME. */
    public static Path installed(String name) {
        List<Path> tried = new ArrayList<>();
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            tried.add(Path.of(env, name));
        }
        tried.add(SYSTEM_DIR.resolve(name));
        for (Path p : tried) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        throw UserException.of(name, "not found in " + tried.stream().map(Path::toString)
                .collect(Collectors.joining(" or ")) + " (install it there, or set " + ENV + ", or use idx:DIR)");
    }

    private static Path existing(Path dir) {
        if (!Files.exists(dir)) {
            throw UserException.of(dir, "no such folder");
        }
        if (!Files.isDirectory(dir)) {
            throw UserException.of(dir, "not a folder");
        }
        return dir;
    }

    static ImageSet readIdx(Path dir, String split, String name, String id) {
        String prefix = split.equals("test") ? "t10k" : "train";
        Path images = Idx.find(dir, prefix + "-images", "idx3-ubyte");
        Path labels = Idx.find(dir, prefix + "-labels", "idx1-ubyte");
        if (images == null || labels == null) {
            String missing = images == null ? prefix + "-images-idx3-ubyte[.gz]" : prefix + "-labels-idx1-ubyte[.gz]";
            throw UserException.of(dir, "no " + missing + " (IDX files expected)");
        }
        return Idx.read(images, labels, name, id);
    }

    /** The images whose label is in classes (labels keep their values), named newIdentity. */
    static ImageSet filterClasses(ImageSet set, int[] classes, String newIdentity) {
        if (!set.hasLabels()) {
            throw UserException.of("--classes", set.name() + " has no labels");
        }
        if (classes.length == 0) {
            throw UserException.of("--classes", "empty list");
        }
        int[] counts = set.classCounts();
        for (int c : classes) {
            if (c < 0 || c >= counts.length || counts[c] == 0) {
                throw UserException.of("--classes", "class " + c + " has no images in " + set.identity());
            }
        }
        int[] keep = Arrays.stream(classes).distinct().sorted().toArray();
        int[] idx = java.util.stream.IntStream.range(0, set.size())
                .filter(i -> Arrays.binarySearch(keep, set.labels()[i]) >= 0).toArray();
        return set.select(idx, newIdentity);
    }

    static String classList(int[] classes) {
        return Arrays.stream(classes).distinct().sorted().mapToObj(String::valueOf).collect(Collectors.joining(","));
    }
}
