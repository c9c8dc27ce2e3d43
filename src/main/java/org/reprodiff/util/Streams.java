package org.reprodiff.util;

import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Independent pieces of inference run side by side, each on a worker thread whose PyTorch ops use one intra-op
 * thread. With 2 cores, two single-threaded UNet passes over half a batch each beat one two-threaded pass over
 * all of it (interleaved A/B, unet-m at batch 256: +17%): the small convolutions, norms and copies of a 28×28
 * network split poorly across threads inside one op. The workers live as long as the process (daemon threads).
 */
public final class Streams {
    private static ExecutorService pool;
    private static int poolSize;

    private Streams() {}

    /** Runs the tasks, at most {@code Torch.threads()} at a time, in the caller's grad mode; results in order. */
    public static <T> List<T> run(List<Supplier<T>> tasks) {
        List<T> out = new ArrayList<>(tasks.size());
        ExecutorService p = pool(Torch.threads());
        boolean grad = JniUtils.isGradMode(); // per thread in PyTorch: carry the caller's
        List<Future<T>> futures = new ArrayList<>(tasks.size());
        try {
            for (Supplier<T> t : tasks) {
                futures.add(p.submit(() -> Torch.withGradMode(grad, t)));
            }
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for inference streams", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause(); // a Supplier throws only unchecked exceptions
            if (c instanceof Error err) {
                throw err;
            }
            throw (RuntimeException) c;
        } finally {
            for (Future<T> f : futures) {
                f.cancel(false); // tasks not yet started after a failure
            }
        }
    }

    /** The workers: created once with n threads (more if later asked), each set to one PyTorch thread. */
    private static synchronized ExecutorService pool(int n) {
        if (pool != null && poolSize >= n) {
            return pool;
        }
        AtomicInteger id = new AtomicInteger();
        ExecutorService p = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "reprodiff-stream-" + id.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        int callers = Torch.threads();
        List<Future<?>> init = new ArrayList<>();
        CyclicBarrier all = new CyclicBarrier(n); // one task per thread
        for (int i = 0; i < n; i++) {
            init.add(p.submit(() -> {
                all.await();
                // set_num_threads also sets the process default, which a thread adopts at its first parallel op;
                // get_num_threads makes this thread adopt it now (1), then the caller puts the default back
                JniUtils.setNumThreads(1);
                JniUtils.getNumThreads();
                return null;
            }));
        }
        try {
            for (Future<?> f : init) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting inference streams", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("starting inference streams failed", e.getCause());
        } finally {
            JniUtils.setNumThreads(callers);
        }
        if (pool != null) {
            pool.shutdown();
        }
        pool = p;
        poolSize = n;
        return p;
    }
}
