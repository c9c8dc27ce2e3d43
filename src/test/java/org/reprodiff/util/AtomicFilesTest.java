package org.reprodiff.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void failedWriteKeepsTheOldFileAndLeavesNoTemporary() throws IOException {
        Path f = dir.resolve("a.txt");
        AtomicFiles.writeString(f, "old");
        assertThatThrownBy(() -> AtomicFiles.write(f, out -> {
            out.write("partial".getBytes());
            throw new IOException("disk full");
        })).hasMessageContaining("disk full");
        assertThat(Files.readString(f)).isEqualTo("old");
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("a.txt");
        }
    }

    @Test
    void writeReplacesAndCreatesParents() throws IOException {
        Path f = dir.resolve("x/y/b.txt");
        AtomicFiles.writeString(f, "one");
        AtomicFiles.writeString(f, "two");
        assertThat(Files.readString(f)).isEqualTo("two");
    }

    @Test
    void deriveSeparatesStreamsAndIsStable() {
        assertThat(Torch.derive(1, 2, 3)).isEqualTo(Torch.derive(1, 2, 3));
        assertThat(Torch.derive(1, 2, 3)).isNotEqualTo(Torch.derive(1, 3, 2));
        assertThat(Torch.derive(1, 2, 3)).isNotEqualTo(Torch.derive(2, 2, 3));
        assertThat(Torch.derive(7, 0, 0)).isNotNegative();
    }
}
