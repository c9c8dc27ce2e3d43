package org.reprodiff.analytic;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.reprodiff.data.ImageSet;
import org.reprodiff.diffusion.Denoiser;

/**
 * The optimal denoiser of the empirical distribution of a training set {y_i}:
 * D*(x; σ) = Σ_i y_i·softmax_i(−‖x − y_i‖²/2σ²). ‖x‖² cancels in the softmax, so the logits are
 * (x·y_i − ½‖y_i‖²)/σ², a matrix product. Float64 throughout. Each chunk of the training set is stored once,
 * augmented as C = [y, ½‖y‖², 1] (n × (D+2)), and each query as [x/σ², −1/σ², 0]: the logits are q·Cᵀ (a
 * transposed view: measured faster than a transposed copy), PyTorch's fused softmax gives the weights (one
 * cache-resident row at a time, no separate max/subtract/exp passes), and s·C gives Σw·y and Σw together.
 * Chunks (default 65536 rows, so Fashion-MNIST is one) are combined by their log-normalisers:
 * lse_c = max_j l_j − log max_j s_j, exact because the largest softmax weight is at least 1/n.
 * A call holds two B×chunk float64 arrays (B = 256: 2 × 123 MiB for Fashion-MNIST).
 */
public final class EmpiricalOptimum implements Denoiser, AutoCloseable {
    public static final int DEFAULT_CHUNK = 65536;
    private final NDManager manager;
    private final List<NDArray> chunks = new ArrayList<>();
    private final int dim;
    private final int size;
    private final String identity;

    public EmpiricalOptimum(ImageSet train, NDManager parent) {
        this(train, parent, DEFAULT_CHUNK);
    }

    public EmpiricalOptimum(ImageSet train, NDManager parent, int chunkRows) {
        this.manager = parent.newSubManager();
        this.dim = train.dim();
        this.size = train.size();
        this.identity = train.identity();
        try (NDManager tmp = manager.newSubManager()) {
            NDArray all = train.all(tmp).reshape(size, dim);
            for (int a = 0; a < size; a += chunkRows) {
                int b = Math.min(size, a + chunkRows);
                NDArray y = all.get(new NDIndex("{}:{}", a, b)).toType(DataType.FLOAT64, true);
                NDArray hn = y.square().sum(new int[] {1}, true).muli(0.5);
                NDArray c = y.concat(hn, 1).concat(tmp.ones(new Shape(b - a, 1), DataType.FLOAT64), 1);
                c.attach(manager);
                chunks.add(c);
            }
        }
    }

    public int size() {
        return size;
    }

    public int dim() {
        return dim;
    }

    @Override
    public NDArray denoise(NDArray x, NDArray sigma) {
        long b = x.getShape().get(0);
        NDManager m = x.getManager();
        try (NDManager call = m.newSubManager()) {
            NDArray xd = x.toType(DataType.FLOAT64, true);
            xd.attach(call); // first op on x/sigma, then everything derives from call's arrays
            NDArray sd = sigma.toType(DataType.FLOAT64, true);
            sd.attach(call);
            NDArray invVar = sd.reshape(b, 1).pow(-2);
            NDArray q = xd.reshape(b, dim).mul(invVar).concat(invVar.neg(), 1)
                    .concat(call.zeros(new Shape(b, 1), DataType.FLOAT64), 1);
            NDArray acc = null;
            NDArray lse = null;
            for (NDArray c : chunks) {
                try (NDManager step = call.newSubManager()) {
                    NDArray ct = c.transpose(); // a view, created in c's manager: keep it in this step
                    ct.attach(step);
                    NDArray logits = q.matMul(ct);
                    logits.attach(step);
                    NDArray weights = logits.softmax(1);
                    NDArray part = weights.matMul(c);
                    if (chunks.size() == 1) {
                        part.attach(call);
                        acc = part;
                        break;
                    }
                    NDArray chunkLse = logits.max(new int[] {1}, true).sub(weights.max(new int[] {1}, true).log());
                    if (acc == null) {
                        acc = part;
                        lse = chunkLse;
                    } else {
                        NDArray newLse = lse.maximum(chunkLse);
                        acc = acc.mul(lse.sub(newLse).exp()).add(part.mul(chunkLse.sub(newLse).exp()));
                        lse = newLse;
                    }
                    acc.attach(call);
                    lse.attach(call);
                }
            }
            NDArray sum = acc.get(new NDIndex(":, {}:", dim + 1));
            NDArray out = acc.get(new NDIndex(":, :{}", dim)).div(sum).toType(DataType.FLOAT32, false).reshape(x.getShape());
            out.attach(m);
            return out;
        }
    }

    @Override
    public String describe() {
        return "optimal[" + identity + "]";
    }

    @Override
    public void close() {
        manager.close();
    }
}
