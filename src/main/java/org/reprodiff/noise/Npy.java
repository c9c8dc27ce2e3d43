package org.reprodiff.noise;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.reprodiff.util.AtomicFiles;
import org.reprodiff.util.UserException;

/** numpy's .npy (format 1.0–3.0) and .npz: float32/64, integer and bool dtypes, C or Fortran order. */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    public static NpyArray read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw UserException.of(file, "no such file");
        }
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
            return read(in, file.toString());
        } catch (IOException e) {
            throw UserException.of(file, "cannot read .npy: " + e.getMessage());
        }
    }

    /** A float32 array straight from its bytes: shape and values, without NpyArray's double[] copy. */
    public record Floats(long[] shape, float[] values) {}

    /** A .npy as float32: '<f4' C order is decoded straight to float[], any other dtype through {@link #read}. */
    public static Floats readFloats(Path file) {
        if (!Files.isRegularFile(file)) {
            throw UserException.of(file, "no such file");
        }
        try {
            return decodeFloats(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw UserException.of(file, "cannot read .npy: " + e.getMessage());
        }
    }

    /** One .npy's bytes as float32 ({@link #readFloats}); where names the file in errors. */
    public static Floats decodeFloats(byte[] all, String where) throws IOException {
        // only a well-formed version-1.0 file takes the fast path; anything else gets read()'s checks and errors
        if (all.length >= 10 && java.util.Arrays.equals(all, 0, 6, MAGIC, 0, 6) && all[6] == 1) {
            int hl = (all[8] & 0xFF) | (all[9] & 0xFF) << 8;
            if (10 + hl <= all.length) {
                String h = new String(all, 10, hl, StandardCharsets.ISO_8859_1);
                Matcher d = DESCR.matcher(h);
                Matcher f = FORTRAN.matcher(h);
                Matcher s = SHAPE.matcher(h);
                if (d.find() && d.group(1).equals("<f4") && f.find() && f.group(1).equals("False") && s.find()) {
                    long[] shape = parseShape(s.group(1));
                    long n = 1;
                    for (long x : shape) {
                        n *= x;
                    }
                    if (10 + hl + 4 * n != all.length) {
                        throw UserException.of(where, (10 + hl + 4 * n > all.length ? "truncated" : "over-long") + " .npy: expected "
                                + 4 * n + " data bytes, found " + (all.length - 10 - hl));
                    }
                    float[] v = new float[(int) n];
                    ByteBuffer.wrap(all, 10 + hl, (int) (4 * n)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
                    return new Floats(shape, v);
                }
            }
        }
        NpyArray a = read(new java.io.ByteArrayInputStream(all), where);
        return new Floats(a.shape(), a.toFloats());
    }

    /** Writes float32 values atomically as .npy ('<f4', version 1.0, C order) without a double[] copy. */
    public static void writeFloats(Path file, long[] shape, float[] values) {
        AtomicFiles.write(file, out -> {
            out.write(header("<f4", shape));
            ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(values);
            out.write(b.array());
        });
    }

    /** All arrays of an .npz, by name without the ".npy" suffix, in file order. */
    public static Map<String, NpyArray> readNpz(Path file) {
        if (!Files.isRegularFile(file)) {
            throw UserException.of(file, "no such file");
        }
        Map<String, NpyArray> out = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                String name = e.getName().endsWith(".npy") ? e.getName().substring(0, e.getName().length() - 4) : e.getName();
                try (InputStream in = new java.io.BufferedInputStream(zip.getInputStream(e))) {
                    out.put(name, read(in, file + ":" + e.getName()));
                }
            }
        } catch (java.util.zip.ZipException e) {
            throw UserException.of(file, "not an .npz (zip) file: " + e.getMessage());
        } catch (IOException e) {
            throw UserException.of(file, "cannot read .npz: " + e.getMessage());
        }
        return out;
    }

    public static NpyArray read(InputStream raw, String where) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        byte[] magic = new byte[6];
        in.readFully(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw UserException.of(where, "not a .npy file (bad magic)");
        }
        int major = in.readUnsignedByte();
        in.readUnsignedByte();
        long headerLen;
        if (major == 1) {
            headerLen = Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
        } else if (major == 2 || major == 3) {
            headerLen = Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
        } else {
            throw UserException.of(where, "unsupported .npy version " + major);
        }
        byte[] hb = new byte[(int) headerLen];
        in.readFully(hb);
        String header = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, where, "descr");
        boolean fortran = "True".equals(group(FORTRAN, header, where, "fortran_order"));
        long[] shape = parseShape(group(SHAPE, header, where, "shape"));
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n > Integer.MAX_VALUE) {
            throw UserException.of(where, "array too large (" + n + " values)");
        }
        int width = width(descr, where);
        byte[] body = new byte[(int) n * width];
        try {
            in.readFully(body);
        } catch (java.io.EOFException e) {
            throw UserException.of(where, "truncated .npy: expected " + body.length + " data bytes");
        }
        double[] v = decode(descr, ByteBuffer.wrap(body), (int) n, where);
        if (fortran && shape.length > 1) {
            v = fortranToC(v, shape);
        }
        return new NpyArray(descr, shape, v);
    }

    private static String group(Pattern p, String header, String where, String key) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw UserException.of(where, "bad .npy header: no '" + key + "'");
        }
        return m.group(1);
    }

    private static long[] parseShape(String s) {
        List<Long> dims = new ArrayList<>();
        for (String part : s.split(",")) {
            if (!part.isBlank()) {
                dims.add(Long.parseLong(part.strip().replace("L", "")));
            }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    private static int width(String descr, String where) {
        if (descr.length() < 3) {
            throw UserException.of(where, "unsupported dtype " + descr);
        }
        char kind = descr.charAt(1);
        if ("fiub".indexOf(kind) < 0) {
            throw UserException.of(where, "unsupported dtype " + descr + " (need float, int, uint or bool)");
        }
        return Integer.parseInt(descr.substring(2));
    }

    private static double[] decode(String descr, ByteBuffer buf, int n, String where) {
        buf.order(descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        char kind = descr.charAt(1);
        int w = Integer.parseInt(descr.substring(2));
        double[] v = new double[n];
        switch (kind + "" + w) {
            case "f4" -> {
                for (int i = 0; i < n; i++) {
                    v[i] = buf.getFloat(4 * i);
                }
            }
            case "f8" -> buf.asDoubleBuffer().get(v);
            case "u1", "b1" -> {
                for (int i = 0; i < n; i++) {
                    v[i] = buf.get(i) & 0xFF;
                }
            }
            case "i1" -> {
                for (int i = 0; i < n; i++) {
                    v[i] = buf.get(i);
                }
            }
            case "i2" -> {
                for (int i = 0; i < n; i++) {
                    v[i] = buf.getShort(2 * i);
                }
            }
            case "u2" -> {
                for (int i = 0; i < n; i++) {
                    v[i] = Short.toUnsignedInt(buf.getShort(2 * i));
                }
            }
            case "i4" -> {
                for (int i = 0; i < n; i++) {
                    v[i] = buf.getInt(4 * i);
                }
            }
            case "u4" -> {
                for (int i = 0; i < n; i++) {
                    v[i] = Integer.toUnsignedLong(buf.getInt(4 * i));
                }
            }
            case "i8", "u8" -> {
                for (int i = 0; i < n; i++) {
                    v[i] = buf.getLong(8 * i);
                }
            }
            default -> throw UserException.of(where, "unsupported dtype " + descr);
        }
        return v;
    }

    private static double[] fortranToC(double[] f, long[] shape) {
        int nd = shape.length;
        double[] c = new double[f.length];
        int[] idx = new int[nd];
        long[] fStride = new long[nd];
        long s = 1;
        for (int d = 0; d < nd; d++) {
            fStride[d] = s;
            s *= shape[d];
        }
        for (int i = 0; i < c.length; i++) {
            long off = 0;
            for (int d = 0; d < nd; d++) {
                off += idx[d] * fStride[d];
            }
            c[i] = f[(int) off];
            for (int d = nd - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return c;
    }

    /** Writes an array atomically as .npy (version 1.0, C order) in its dtype ("<f4", "<f8" or "|u1"). */
    public static void write(Path file, NpyArray a) {
        AtomicFiles.write(file, out -> write(out, a));
    }

    public static void write(OutputStream out, NpyArray a) throws IOException {
        out.write(header(a.dtype(), a.shape()));
        out.write(encode(a));
    }

    /** The .npy version 1.0 header of a C-order array, padded so that the data starts at a multiple of 64. */
    public static byte[] header(String dtype, long[] shape) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            s.append(shape[i]).append(shape.length == 1 ? "," : i + 1 < shape.length ? ", " : "");
        }
        s.append(")");
        String dict = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': " + s + ", }";
        int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.writeBytes(MAGIC);
        head.write(1);
        head.write(0);
        head.write(header.length() & 0xFF);
        head.write(header.length() >> 8);
        head.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
        return head.toByteArray();
    }

    private static byte[] encode(NpyArray a) {
        int n = a.values().length;
        double[] v = a.values();
        switch (a.dtype()) {
            case "<f4" -> {
                ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
                for (double d : v) {
                    b.putFloat((float) d);
                }
                return b.array();
            }
            case "<f8" -> {
                ByteBuffer b = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
                b.asDoubleBuffer().put(v);
                return b.array();
            }
            case "|u1" -> {
                byte[] b = new byte[n];
                for (int i = 0; i < n; i++) {
                    b[i] = (byte) (int) v[i];
                }
                return b;
            }
            case "<i8" -> {
                ByteBuffer b = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
                for (double d : v) {
                    b.putLong((long) d);
                }
                return b.array();
            }
            default -> throw new IllegalArgumentException("cannot write dtype " + a.dtype());
        }
    }

    /** Writes an .npz (stored, uncompressed, as numpy.savez does) atomically. */
    public static void writeNpz(Path file, Map<String, NpyArray> arrays) {
        AtomicFiles.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                write(body, e.getValue());
                byte[] bytes = body.toByteArray();
                ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(bytes.length);
                CRC32 crc = new CRC32();
                crc.update(bytes);
                entry.setCrc(crc.getValue());
                zip.putNextEntry(entry);
                zip.write(bytes);
                zip.closeEntry();
            }
            zip.finish();
        });
    }
}
