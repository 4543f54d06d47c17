package org.bn4j.dl4j;

import java.lang.ref.Reference;
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
        BatchStats forwardTraining(org.bn4j.core.BatchNorm bn, INDArray x, Shape shape, double[] gamma, double[] beta, INDArray y) {
            INDArray in = source(x);
            INDArray out = target(y);
            try {
                BatchStats stats = bn.forwardTraining(NdBuffers.floats(in), shape, gamma, beta, NdBuffers.floats(out));
                commit(out, y);
                return stats;
            } finally {
                keepAlive(in, out);
            }
        }

        @Override
        void forwardInference(org.bn4j.core.BatchNorm bn, INDArray x, Shape shape, double[] gamma, double[] beta,
                              RunningStats running, INDArray y) {
            INDArray in = source(x);
            INDArray out = target(y);
            try {
                bn.forwardInference(NdBuffers.floats(in), shape, gamma, beta, running, NdBuffers.floats(out));
                commit(out, y);
            } finally {
                keepAlive(in, out);
            }
        }

        @Override
        ParamGradients backward(org.bn4j.core.BatchNorm bn, INDArray x, INDArray dy, Shape shape, double[] gamma,
                                BatchStats saved, INDArray dx) {
            INDArray in = source(x);
            INDArray grad = source(dy);
            INDArray out = target(dx);
            try {
                ParamGradients grads = bn.backward(NdBuffers.floats(in), NdBuffers.floats(grad), shape, gamma, saved,
                        NdBuffers.floats(out));
                commit(out, dx);
                return grads;
            } finally {
                keepAlive(in, out, grad);
            }
        }

        @Override
        ParamGradients backwardInference(org.bn4j.core.BatchNorm bn, INDArray x, INDArray dy, Shape shape, double[] gamma,
                                         RunningStats running, INDArray dx) {
            INDArray in = source(x);
            INDArray grad = source(dy);
            INDArray out = target(dx);
            try {
                ParamGradients grads = bn.backwardInference(NdBuffers.floats(in), NdBuffers.floats(grad), shape, gamma, running,
                        NdBuffers.floats(out));
                commit(out, dx);
                return grads;
            } finally {
                keepAlive(in, out, grad);
            }
        }
    },
    DOUBLE(DataType.DOUBLE) {
        @Override
        BatchStats forwardTraining(org.bn4j.core.BatchNorm bn, INDArray x, Shape shape, double[] gamma, double[] beta, INDArray y) {
            INDArray in = source(x);
            INDArray out = target(y);
            try {
                BatchStats stats = bn.forwardTraining(NdBuffers.doubles(in), shape, gamma, beta, NdBuffers.doubles(out));
                commit(out, y);
                return stats;
            } finally {
                keepAlive(in, out);
            }
        }

        @Override
        void forwardInference(org.bn4j.core.BatchNorm bn, INDArray x, Shape shape, double[] gamma, double[] beta,
                              RunningStats running, INDArray y) {
            INDArray in = source(x);
            INDArray out = target(y);
            try {
                bn.forwardInference(NdBuffers.doubles(in), shape, gamma, beta, running, NdBuffers.doubles(out));
                commit(out, y);
            } finally {
                keepAlive(in, out);
            }
        }

        @Override
        ParamGradients backward(org.bn4j.core.BatchNorm bn, INDArray x, INDArray dy, Shape shape, double[] gamma,
                                BatchStats saved, INDArray dx) {
            INDArray in = source(x);
            INDArray grad = source(dy);
            INDArray out = target(dx);
            try {
                ParamGradients grads = bn.backward(NdBuffers.doubles(in), NdBuffers.doubles(grad), shape, gamma, saved,
                        NdBuffers.doubles(out));
                commit(out, dx);
                return grads;
            } finally {
                keepAlive(in, out, grad);
            }
        }

        @Override
        ParamGradients backwardInference(org.bn4j.core.BatchNorm bn, INDArray x, INDArray dy, Shape shape, double[] gamma,
                                         RunningStats running, INDArray dx) {
            INDArray in = source(x);
            INDArray grad = source(dy);
            INDArray out = target(dx);
            try {
                ParamGradients grads = bn.backwardInference(NdBuffers.doubles(in), NdBuffers.doubles(grad), shape, gamma, running,
                        NdBuffers.doubles(out));
                commit(out, dx);
                return grads;
            } finally {
                keepAlive(in, out, grad);
            }
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

    /** @return an input bn-core can read in place */
    INDArray source(INDArray a) {
        return NdBuffers.usable(a, type);
    }

    /** @return where bn-core can write an output meant for {@code a}: {@code a} itself when possible */
    INDArray target(INDArray a) {
        return a.dataType() == type && NdBuffers.isRowMajorContiguous(a) ? a : Nd4j.createUninitialized(type, a.shape(), 'c');
    }

    /**
     * Keeps arrays reachable until bn-core is done with their memory: a direct buffer does not hold its array, and
     * ND4J frees an unreachable array's memory, even while a buffer still points at it.
     */
    static void keepAlive(INDArray... arrays) {
        Reference.reachabilityFence(arrays);
    }

    /** Copies a temporary output into its destination. */
    static void commit(INDArray written, INDArray destination) {
        if (written != destination) {
            destination.assign(written);
        }
    }

    abstract BatchStats forwardTraining(org.bn4j.core.BatchNorm bn, INDArray x, Shape shape, double[] gamma, double[] beta,
                                        INDArray y);

    abstract void forwardInference(org.bn4j.core.BatchNorm bn, INDArray x, Shape shape, double[] gamma, double[] beta,
                                   RunningStats running, INDArray y);

    abstract ParamGradients backward(org.bn4j.core.BatchNorm bn, INDArray x, INDArray dy, Shape shape, double[] gamma,
                                     BatchStats saved, INDArray dx);

    abstract ParamGradients backwardInference(org.bn4j.core.BatchNorm bn, INDArray x, INDArray dy, Shape shape,
                                              double[] gamma, RunningStats running, INDArray dx);
}
