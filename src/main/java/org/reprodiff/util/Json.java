package org.reprodiff.util;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One shared Jackson mapper; JSON files are written atomically and pretty-printed. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Json() {}

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static String toString(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Single-line JSON, for JSONL files and --json output. */
    public static String toLine(Object value) {
        try {
            return MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void write(Path file, Object value) {
        AtomicFiles.writeString(file, toString(value) + "\n");
    }

    public static <T> T read(Path file, Class<T> type) {
        if (!Files.isRegularFile(file)) {
            throw UserException.of(file, "no such file");
        }
        try {
            ObjectMapper m = file.toString().endsWith(".yaml") || file.toString().endsWith(".yml") ? YAML : MAPPER;
            return m.readValue(file.toFile(), type);
        } catch (IOException e) {
            throw UserException.of(file, "not valid JSON/YAML: " + firstLine(e.getMessage()));
        }
    }

    public static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
