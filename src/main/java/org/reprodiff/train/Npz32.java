package org.reprodiff.train;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.reprodiff.noise.Npy;
import org.reprodiff.util.AtomicFiles;
import org.reprodiff.util.UserException;

/**
 * float32 .npz straight from and to float[] (the same files as {@link Npy}: stored zip entries, .npy 1.0 '<f4', C
 * order), without NpyArray's double[] copy: for checkpoints of large networks. Reading falls back to Npy for
 * entries in other dtypes.
 */
final class Npz32 {
    private Npz32() {}

    /** One entry: name (without .npy), shape, and its values at data[offset, offset + size). */
    record Entry(String name, long[] shape, float[] data, int offset) {
        int size() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return Math.toIntExact(n);
        }
    }

    static void write(Path file, List<Entry> entries) {
        AtomicFiles.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            for (Entry e : entries) {
                byte[] head = header(e.shape());
                ByteBuffer body = ByteBuffer.allocate(head.length + 4 * e.size()).order(ByteOrder.LITTLE_ENDIAN);
                body.put(head);
                body.asFloatBuffer().put(e.data(), e.offset(), e.size());
                byte[] bytes = body.array();
                ZipEntry z = new ZipEntry(e.name() + ".npy");
                z.setMethod(ZipEntry.STORED);
                z.setSize(bytes.length);
                CRC32 crc = new CRC32();
                crc.update(bytes);
                z.setCrc(crc.getValue());
                zip.putNextEntry(z);
                zip.write(bytes);
                zip.closeEntry();
            }
            zip.finish();
        });
    }

    private static byte[] header(long[] shape) {
        return Npy.header("<f4", shape);
    }

    /** All arrays by name; '<f4' C-order entries are decoded straight to float[], others through Npy. */
    static Map<String, Npy.Floats> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw UserException.of(file, "no such file");
        }
        Map<String, Npy.Floats> out = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                String name = e.getName().endsWith(".npy") ? e.getName().substring(0, e.getName().length() - 4) : e.getName();
                String where = file + ":" + e.getName();
                byte[] all;
                try (InputStream in = zip.getInputStream(e)) {
                    all = in.readAllBytes();
                }
                out.put(name, Npy.decodeFloats(all, where));
            }
        } catch (java.util.zip.ZipException e) {
            throw UserException.of(file, "not an .npz (zip) file: " + e.getMessage());
        } catch (IOException e) {
            throw UserException.of(file, "cannot read .npz: " + e.getMessage());
        }
        return out;
    }
}
