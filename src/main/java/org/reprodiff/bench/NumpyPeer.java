package org.reprodiff.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The same nearest-neighbour search in numpy, where a python3 with numpy is installed: the peer to beat. */
final class NumpyPeer {
    private NumpyPeer() {}

    private static final String SCRIPT = String.join("\n",
            "import sys, time, numpy as np",
            "q, n, d = map(int, sys.argv[1:4])",
            "rng = np.random.default_rng(0)",
            "t = rng.standard_normal((n, d), dtype=np.float32); t /= np.linalg.norm(t, axis=1, keepdims=True)",
            "x = rng.standard_normal((q, d), dtype=np.float32); x /= np.linalg.norm(x, axis=1, keepdims=True)",
            "tT = np.ascontiguousarray(t.T)",
            "s = time.perf_counter()",
            "best = np.full(q, -2, np.float32)",
            "for i in range(0, q, 1024):",
            "    best[i:i+1024] = (x[i:i+1024] @ tT).max(axis=1)",
            "print(time.perf_counter() - s)");

    /** Seconds for q queries against n rows of d dims, or empty when numpy is not available. */
    static Optional<Double> search(int q, int n, int d) {
        try {
            ProcessBuilder pb = new ProcessBuilder("python3", "-c", SCRIPT, String.valueOf(q), String.valueOf(n), String.valueOf(d));
            pb.environment().remove("OPENBLAS_CORETYPE"); // unset together: they slow a current numpy
            pb.environment().remove("OPENBLAS_L2_SIZE");
            pb.environment().remove("LD_PRELOAD"); // the launcher's MKL shim is not numpy's
            pb.redirectErrorStream(true);
            Process p = pb.start();
            if (!p.waitFor(600, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.exitValue() == 0 ? Optional.of(Double.parseDouble(out.substring(out.lastIndexOf('\n') + 1))) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
