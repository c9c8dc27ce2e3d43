package org.reprodiff.study;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.reprodiff.util.Cpu;
import org.reprodiff.util.Json;
import org.reprodiff.util.Version;

/** What this process runs on: reprodiff version, host, cores, CPU model, memory. */
public final class Machine {
    private Machine() {}

    public static ObjectNode describe() {
        ObjectNode o = Json.object();
        o.put("reprodiff", Version.get());
        o.put("host", CellLock.host());
        o.put("cores", Runtime.getRuntime().availableProcessors());
        o.put("cpu", cpuModel());
        o.put("memoryGiB", Math.round(memoryBytes() / (1024.0 * 1024 * 1024) * 10) / 10.0);
        o.put("javaMaxHeapGiB", Math.round(Runtime.getRuntime().maxMemory() / (1024.0 * 1024 * 1024) * 10) / 10.0);
        o.put("java", System.getProperty("java.version"));
        o.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        return o;
    }

    static String cpuModel() {
        return Cpu.model();
    }

    static long memoryBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return Runtime.getRuntime().maxMemory();
    }
}
