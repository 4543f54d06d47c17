package org.bn4j.dl4j;

import org.bn4j.core.BatchStats;
import org.bn4j.core.ParamGradients;
import org.bn4j.core.RunningStats;
import org.bn4j.core.Shape;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Hands ND4J arrays to bn-core in the precision the network computes in: float for float and half networks,
 * double for double networks. Inputs of any order, view or data type are read in row-major order; results are
 * written into the caller's (workspace) arrays.
 */
enum Precision {
    FLOAT {
        @Override
        BatchStats forwardTraining(org.bn4j.core.BatchNorm bn, INDArray x, Shape shape, double[] gamma, double[] beta, INDArray y) {
            float[] out = new float[shape.size()];
            BatchStats stats = bn.forwardTraining(floats(x), shape, gamma, beta, out);
            write(out, y);
            return stats;
        }

        @Override
        void forwardInference(org.bn4j.core.BatchNorm bn, INDArray x, Shape shape, double[] gamma, double[] beta,
                              RunningStats running, INDArray y) {
            float[] out = new float[shape.size()];
            bn.forwardInference(floats(x), shape, gamma, beta, running, out);
            write(out, y);
        }

        @Override
        ParamGradients backward(org.bn4j.core.BatchNorm bn, INDArray x, INDArray dy, Shape shape, double[] gamma,
                                BatchStats saved, INDArray dx) {
            float[] out = new float[shape.size()];
            ParamGradients grads = bn.backward(floats(x), floats(dy), shape, gamma, saved, out);
            write(out, dx);
            return grads;
        }

        @Override
        ParamGradients backwardInference(org.bn4j.core.BatchNorm bn, INDArray x, INDArray dy, Shape shape, double[] gamma,
                                         RunningStats running, INDArray dx) {
            float[] out = new float[shape.size()];
            ParamGradients grads = bn.backwardInference(floats(x), floats(dy), shape, gamma, running, out);
            write(out, dx);
            return grads;
        }

        private float[] floats(INDArray a) {
            return a.castTo(DataType.FLOAT).dup('c').data().asFloat();
        }

        private void write(float[] values, INDArray target) {
            target.assign(Nd4j.createFromArray(values).reshape('c', target.shape()));
        }
    },
    DOUBLE {
        @Override
        BatchStats forwardTraining(org.bn4j.core.BatchNorm bn, INDArray x, Shape shape, double[] gamma, double[] beta, INDArray y) {
            double[] out = new double[shape.size()];
            BatchStats stats = bn.forwardTraining(doubles(x), shape, gamma, beta, out);
            write(out, y);
            return stats;
        }

        @Override
        void forwardInference(org.bn4j.core.BatchNorm bn, INDArray x, Shape shape, double[] gamma, double[] beta,
                              RunningStats running, INDArray y) {
            double[] out = new double[shape.size()];
            bn.forwardInference(doubles(x), shape, gamma, beta, running, out);
            write(out, y);
        }

        @Override
        ParamGradients backward(org.bn4j.core.BatchNorm bn, INDArray x, INDArray dy, Shape shape, double[] gamma,
                                BatchStats saved, INDArray dx) {
            double[] out = new double[shape.size()];
            ParamGradients grads = bn.backward(doubles(x), doubles(dy), shape, gamma, saved, out);
            write(out, dx);
            return grads;
        }

        @Override
        ParamGradients backwardInference(org.bn4j.core.BatchNorm bn, INDArray x, INDArray dy, Shape shape, double[] gamma,
                                         RunningStats running, INDArray dx) {
            double[] out = new double[shape.size()];
            ParamGradients grads = bn.backwardInference(doubles(x), doubles(dy), shape, gamma, running, out);
            write(out, dx);
            return grads;
        }

        private double[] doubles(INDArray a) {
            return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        }

        private void write(double[] values, INDArray target) {
            target.assign(Nd4j.createFromArray(values).reshape('c', target.shape()));
        }
    };

    /** @return double for double networks; float for float and half ones (bn-core has no half kernels) */
    static Precision of(DataType networkType) {
        return networkType == DataType.DOUBLE ? DOUBLE : FLOAT;
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
