package org.bn4j.dl4j;

import java.lang.ref.Reference;
import org.bn4j.core.BatchNormalizer;
import org.bn4j.core.BatchStats;
import org.bn4j.core.ParamGradients;
import org.bn4j.core.RunningStats;
import org.bn4j.core.Shape;
import org.bn4j.core.Values;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Hands ND4J arrays to bn-core in the precision the network computes in: float for float and half networks,
 * double for double networks. bn-core works in ND4J's memory through {@link NdBuffers}; an output that is not
 * usable in place (a half-precision array, say) is computed into a temporary and assigned.
 */
enum Precision {
    FLOAT(DataType.FLOAT) {
        @Override
        Values values(INDArray usable) {
            return NdBuffers.directFloats(usable);
        }
    },
    DOUBLE(DataType.DOUBLE) {
        @Override
        Values values(INDArray usable) {
            return Values.of(NdBuffers.doubles(usable));
        }
    };

    private final DataType type;

    Precision(DataType type) {
        this.type = type;
    }

    /** @return double for double networks; float for float and half ones (bn-core has no half kernels) */
    static Precision of(DataType networkType) {
        return networkType == DataType.DOUBLE ? DOUBLE : FLOAT;
    }

    /** @return the memory of {@code usable} (see {@link NdBuffers#usable}) as bn-core uses it in place */
    abstract Values values(INDArray usable);

    /** @param running the running statistics, which batch renormalization needs; may be null otherwise */
    BatchStats forwardTraining(BatchNormalizer bn, INDArray x, Shape shape, double[] gamma, double[] beta,
                               RunningStats running, INDArray y) {
        return inBuffers(x, x, y,
                (in, dy, out) -> bn.forwardTraining(values(in), shape, gamma, beta, running, values(out)));
    }

    /** @return bn-core's bound on {@code |y|}; +infinity when it did not measure one */
    double forwardInference(BatchNormalizer bn, INDArray x, Shape shape, double[] gamma, double[] beta,
                            RunningStats running, INDArray y) {
        return inBuffers(x, x, y,
                (in, dy, out) -> bn.forwardInference(values(in), shape, gamma, beta, running, values(out)));
    }

    /** @param beta as in the forward pass; null when locked, and may be null when no activation is fused */
    ParamGradients backward(BatchNormalizer bn, INDArray x, INDArray dy, Shape shape, double[] gamma,
                            double[] beta, BatchStats saved, INDArray dx) {
        return inBuffers(x, dy, dx,
                (in, grad, out) -> bn.backward(values(in), values(grad), shape, gamma, beta, saved, values(out)));
    }

    /** @param beta as in the forward pass; null when locked, and may be null when no activation is fused */
    ParamGradients backwardInference(BatchNormalizer bn, INDArray x, INDArray dy, Shape shape, double[] gamma,
                                     double[] beta, RunningStats running, INDArray dx) {
        return inBuffers(x, dy, dx, (in, grad, out) -> bn.backwardInference(values(in), values(grad), shape, gamma,
                beta, running, values(out)));
    }

    /** A bn-core call on arrays whose memory it can use in place. */
    interface Call<R> {
        R apply(INDArray x, INDArray dy, INDArray out);
    }

    /**
     * Runs {@code call} on arrays bn-core can use in place: the inputs themselves when row-major contiguous in this
     * type, else ND4J copies; the output itself, or a temporary assigned to it afterwards. The output is marked as
     * written on the host before ND4J assigns it or DL4J reads it.
     */
    final <R> R inBuffers(INDArray x, INDArray dy, INDArray destination, Call<R> call) {
        INDArray in = NdBuffers.usable(x, type);
        INDArray grad = dy == x ? in : NdBuffers.usable(dy, type);
        INDArray out = destination.dataType() == type && NdBuffers.isRowMajorContiguous(destination)
                ? destination : Nd4j.createUninitialized(type, destination.shape(), 'c');
        try {
            R result = call.apply(in, grad, out);
            NdBuffers.written(out);
            if (out != destination) {
                destination.assign(out);
            }
            return result;
        } finally {
            // A direct buffer does not hold its array, and ND4J frees an unreachable array's memory even while a
            // buffer still points at it: keep the arrays reachable until bn-core is done.
            Reference.reachabilityFence(in);
            Reference.reachabilityFence(grad);
            Reference.reachabilityFence(out);
        }
    }
}
