package org.bn4j.dl4j;

import java.lang.ref.Reference;
import org.bn4j.core.BatchNormalizer;
import org.bn4j.core.BatchStats;
import org.bn4j.core.ParamGradients;
import org.bn4j.core.RunningStats;
import org.bn4j.core.Shape;
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
        BatchStats forwardTraining(BatchNormalizer bn, INDArray x, Shape shape, double[] gamma, double[] beta,
                                   RunningStats running, INDArray y) {
            return inBuffers(x, x, y, (in, dy, out) ->
                    bn.forwardTraining(NdBuffers.directFloats(in), shape, gamma, beta, running, NdBuffers.directFloats(out)));
        }

        @Override
        double forwardInference(BatchNormalizer bn, INDArray x, Shape shape, double[] gamma, double[] beta,
                                RunningStats running, INDArray y) {
            return inBuffers(x, x, y, (in, dy, out) ->
                    bn.forwardInference(NdBuffers.directFloats(in), shape, gamma, beta, running, NdBuffers.directFloats(out)));
        }

        @Override
        ParamGradients backward(BatchNormalizer bn, INDArray x, INDArray dy, Shape shape, double[] gamma,
                                double[] beta, BatchStats saved, INDArray dx) {
            return inBuffers(x, dy, dx, (in, grad, out) ->
                    bn.backward(NdBuffers.directFloats(in), NdBuffers.directFloats(grad), shape, gamma, beta, saved,
                            NdBuffers.directFloats(out)));
        }

        @Override
        ParamGradients backwardInference(BatchNormalizer bn, INDArray x, INDArray dy, Shape shape, double[] gamma,
                                         double[] beta, RunningStats running, INDArray dx) {
            return inBuffers(x, dy, dx, (in, grad, out) -> bn.backwardInference(NdBuffers.directFloats(in), NdBuffers.directFloats(grad),
                    shape, gamma, beta, running, NdBuffers.directFloats(out)));
        }
    },
    DOUBLE(DataType.DOUBLE) {
        @Override
        BatchStats forwardTraining(BatchNormalizer bn, INDArray x, Shape shape, double[] gamma, double[] beta,
                                   RunningStats running, INDArray y) {
            return inBuffers(x, x, y, (in, dy, out) ->
                    bn.forwardTraining(NdBuffers.doubles(in), shape, gamma, beta, running, NdBuffers.doubles(out)));
        }

        @Override
        double forwardInference(BatchNormalizer bn, INDArray x, Shape shape, double[] gamma, double[] beta,
                                RunningStats running, INDArray y) {
            return inBuffers(x, x, y, (in, dy, out) ->
                    bn.forwardInference(NdBuffers.doubles(in), shape, gamma, beta, running, NdBuffers.doubles(out)));
        }

        @Override
        ParamGradients backward(BatchNormalizer bn, INDArray x, INDArray dy, Shape shape, double[] gamma,
                                double[] beta, BatchStats saved, INDArray dx) {
            return inBuffers(x, dy, dx, (in, grad, out) ->
                    bn.backward(NdBuffers.doubles(in), NdBuffers.doubles(grad), shape, gamma, beta, saved,
                            NdBuffers.doubles(out)));
        }

        @Override
        ParamGradients backwardInference(BatchNormalizer bn, INDArray x, INDArray dy, Shape shape, double[] gamma,
                                         double[] beta, RunningStats running, INDArray dx) {
            return inBuffers(x, dy, dx, (in, grad, out) -> bn.backwardInference(NdBuffers.doubles(in), NdBuffers.doubles(grad),
                    shape, gamma, beta, running, NdBuffers.doubles(out)));
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

    /** @param running the running statistics, which batch renormalization needs; may be null otherwise */
    abstract BatchStats forwardTraining(BatchNormalizer bn, INDArray x, Shape shape, double[] gamma, double[] beta,
                                        RunningStats running, INDArray y);

    /** @return bn-core's bound on {@code |y|}; +infinity when it did not measure one */
    abstract double forwardInference(BatchNormalizer bn, INDArray x, Shape shape, double[] gamma, double[] beta,
                                     RunningStats running, INDArray y);

    /** @param beta as in the forward pass, which a fused activation's gradient needs; null when locked */
    abstract ParamGradients backward(BatchNormalizer bn, INDArray x, INDArray dy, Shape shape, double[] gamma,
                                     double[] beta, BatchStats saved, INDArray dx);

    /** @param beta as in the forward pass, which a fused activation's gradient needs; null when locked */
    abstract ParamGradients backwardInference(BatchNormalizer bn, INDArray x, INDArray dy, Shape shape,
                                              double[] gamma, double[] beta, RunningStats running, INDArray dx);

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
