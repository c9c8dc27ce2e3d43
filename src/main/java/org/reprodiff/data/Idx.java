package org.reprodiff.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.reprodiff.util.UserException;

/**
 * IDX files (MNIST, Fashion-MNIST): unsigned-byte images (magic 0x00000803, N×H×W) and labels (magic
 * 0x00000801, N), raw or gzipped (detected by the gzip magic, not the name). Checks the magic, the size the
 * header promises (truncated or extra bytes), and that image and label counts agree.
 */
public final class Idx {
    public static final int IMAGES_MAGIC = 0x00000803;
    public static final int LABELS_MAGIC = 0x00000801;
    private static final float[] LUT = new float[256];

    static {
        for (int b = 0; b < 256; b++) {
            LUT[b] = Images.fromByte(b);
        }
    }

    private Idx() {}

    /** Reads an images file and its labels file into a 1×H×W set. */
    public static ImageSet read(Path images, Path labels, String name, String identity) {
        Raw img = readRaw(images, IMAGES_MAGIC);
        Raw lab = readRaw(labels, LABELS_MAGIC);
        if (img.dims[0] != lab.dims[0]) {
            throw UserException.of(labels, "label count " + lab.dims[0] + " does not match image count "
                    + img.dims[0] + " in " + images.getFileName());
        }
        int[] lbl = new int[lab.dims[0]];
        for (int i = 0; i < lbl.length; i++) {
            lbl[i] = lab.bytes[i] & 0xFF;
        }
        return new ImageSet(name, identity, 1, img.dims[1], img.dims[2], toFloats(img.bytes), lbl);
    }

    /** u8 → x/127.5 − 1 through a lookup table. */
    static float[] toFloats(byte[] bytes) {
        float[] out = new float[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = LUT[bytes[i] & 0xFF];
        }
        return out;
    }

    /** The header dimensions and the payload bytes of one IDX file of the expected magic. */
    record Raw(int[] dims, byte[] bytes) {}

    static Raw readRaw(Path file, int magic) {
        if (!Files.isRegularFile(file)) {
            throw UserException.of(file, "no such file");
        }
        try (InputStream in = open(file); DataInputStream data = new DataInputStream(in)) {
            int found;
            try {
                found = data.readInt();
            } catch (EOFException e) {
                throw UserException.of(file, "truncated IDX file: no header");
            }
            if (found != magic) {
                throw UserException.of(file, String.format("not an IDX %s file: magic 0x%08X, expected 0x%08X",
                        magic == IMAGES_MAGIC ? "image" : "label", found, magic));
            }
            int nd = magic & 0xFF;
            int[] dims = new int[nd];
            long count = 1;
            for (int i = 0; i < nd; i++) {
                try {
                    dims[i] = data.readInt();
                } catch (EOFException e) {
                    throw UserException.of(file, "truncated IDX file: header ends early");
                }
                if (dims[i] <= 0) {
                    throw UserException.of(file, "bad IDX dimension " + dims[i]);
                }
                count *= dims[i];
            }
            long expected = 4L + 4L * nd + count;
            if (count > Integer.MAX_VALUE - 16) {
                throw UserException.of(file, "IDX file too large: " + count + " values");
            }
            boolean gz = isGzip(file);
            if (!gz && Files.size(file) < expected) {
                throw truncated(file, expected, Files.size(file));
            }
            byte[] bytes = new byte[(int) count];
            int got = data.readNBytes(bytes, 0, bytes.length);
            if (got < bytes.length) {
                throw truncated(file, expected, 4L + 4L * nd + got);
            }
            if (data.read() != -1) {
                throw UserException.of(file, "IDX file longer than its header says (" + expected + " bytes)");
            }
            return new Raw(dims, bytes);
        } catch (EOFException | ZipException e) {
            throw UserException.of(file, "truncated or corrupt gzip data: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static UserException truncated(Path file, long expected, long got) {
        return UserException.of(file, "truncated IDX file: expected " + expected + " bytes, got " + got);
    }

    static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    private static InputStream open(Path file) throws IOException {
        InputStream raw = Files.newInputStream(file);
        try {
            if (isGzip(file)) {
                return new GZIPInputStream(new BufferedInputStream(raw, 1 << 16), 1 << 16);
            }
            return new BufferedInputStream(raw, 1 << 16);
        } catch (IOException e) {
            raw.close();
            throw e;
        }
    }

    /** The first existing file among NAME, NAME with '-idx' as '.idx', each raw then gzipped; or null. */
    public static Path find(Path dir, String prefix, String kind) {
        String dash = prefix + "-" + kind;
        String dot = prefix + "." + kind;
        for (String n : new String[] {dash, dot, dash + ".gz", dot + ".gz"}) {
            Path p = dir.resolve(n);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }
}
