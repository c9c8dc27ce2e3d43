package org.reprodiff.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reprodiff.data.Datasets;
import org.reprodiff.data.ImageSet;
import org.reprodiff.util.Json;
import org.reprodiff.util.UserException;

/** TrainingSet.fromRun against options.json as train.TrainRun writes it (nested "options" + "data_identity"). */
class TrainingSetTest {
    static final String MOLRG = "molrg:k=4,r=8,side=16,n=64,seed=0";

    static Path run(Path dir, String data, Integer n, Long subsetSeed, Integer resize, String identity) throws Exception {
        Files.createDirectories(dir);
        ObjectNode j = Json.object();
        ObjectNode o = j.putObject("options");
        o.put("data", data);
        if (n == null) {
            o.putNull("n");
        } else {
            o.put("n", n);
        }
        if (subsetSeed == null) {
            o.putNull("subset_seed");
        } else {
            o.put("subset_seed", subsetSeed);
        }
        if (resize == null) {
            o.putNull("resize");
        } else {
            o.put("resize", resize);
        }
        o.put("data_identity", identity);
        o.put("arch", "mlp");
        j.put("dataset", "molrg");
        j.put("data_identity", identity);
        j.put("channels", 1);
        j.put("height", 16);
        j.put("width", 16);
        Json.write(dir.resolve("options.json"), j);
        return dir;
    }

    @Test
    void trainerFormatRebuildsTheExactSubsetWithClassesAndPart(@TempDir Path tmp) throws Exception {
        ImageSet full = Datasets.load(MOLRG, "train", null, new int[] {2, 0});
        ImageSet plain = full.subset(6, 9);
        TrainingSet a = TrainingSet.fromRun(run(tmp.resolve("a"), MOLRG, 6, 9L, null, plain.identity()));
        assertThat(a.classes()).containsExactly(0, 2);
        assertThat(a.part()).isEqualTo(-1);
        ImageSet got = a.load();
        assertThat(got.identity()).isEqualTo(plain.identity());
        assertThat(got.data()).containsExactly(plain.data());

        // the study's second disjoint half: positions n..2n-1 of the same permutation
        String partId = full.identity() + "|subset n=6 seed=9 part=1";
        TrainingSet b = TrainingSet.fromRun(run(tmp.resolve("b"), MOLRG, 6, 9L, null, partId));
        assertThat(b.part()).isEqualTo(1);
        ImageSet half = b.load();
        assertThat(half.identity()).isEqualTo(partId);
        assertThat(half.data()).containsExactly(full.select(java.util.Arrays.copyOfRange(
                ImageSet.permutation(full.size(), 9), 6, 12), "x").data());

        // all images (n null, subset_seed null), resized
        ImageSet all = Datasets.load(MOLRG, "train", 8, null);
        TrainingSet c = TrainingSet.fromRun(run(tmp.resolve("c"), MOLRG, null, null, 8, all.identity()));
        assertThat(c.n()).isNull();
        assertThat(c.load().data()).containsExactly(all.data());
    }

    @Test
    void oldFlatFormatStillReads(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("r"));
        Files.writeString(tmp.resolve("r/options.json"), "{\"data\": \"" + MOLRG + "\", \"n\": 5, \"subset_seed\": 2}");
        TrainingSet t = TrainingSet.fromRun(tmp.resolve("r"));
        assertThat(t.load().identity()).isEqualTo(Datasets.load(MOLRG).subset(5, 2).identity());
    }

    @Test
    void badRunsAreUserErrorsNamingTheFile(@TempDir Path tmp) throws Exception {
        assertThatThrownBy(() -> TrainingSet.fromRun(tmp)).isInstanceOf(UserException.class).hasMessageContaining("options.json");
        // recorded identity that the options do not rebuild (e.g. a different subset seed)
        String other = Datasets.load(MOLRG).subset(6, 1).identity();
        TrainingSet t = TrainingSet.fromRun(run(tmp.resolve("x"), MOLRG, 6, 9L, null, other));
        assertThatThrownBy(t::load).isInstanceOf(UserException.class).hasMessageContaining("seed=1").hasMessageContaining("seed=9");
        // trained from code: no data spec
        Path code = run(tmp.resolve("y"), MOLRG, 6, 9L, null, "anything");
        ObjectNode j = Json.read(code.resolve("options.json"), ObjectNode.class);
        ((ObjectNode) j.get("options")).putNull("data");
        Json.write(code.resolve("options.json"), j);
        assertThatThrownBy(() -> TrainingSet.fromRun(code)).isInstanceOf(UserException.class).hasMessageContaining("--data");
    }
}
