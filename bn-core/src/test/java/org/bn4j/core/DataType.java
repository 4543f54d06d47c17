package org.bn4j.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * Runs {@link BatchNormalizer} on float or double data, in arrays or direct buffers, and hands results back in double,
 * so that one test covers every element type and storage.
 */
enum DataType {
    FLOAT(Tolerances.F32) {
        @Override
        double[] representable(double[] v) {
            return TestData.toDouble(TestData.toFloat(v));
        }

        @Override
        Forward forwardTraining(BatchNormalizer bn, double[] x, Shape shape, double[] gamma, double[] beta, RunningStats running) {
            float[] y = new float[x.length];
            BatchStats stats = running == null ? bn.forwardTraining(TestData.toFloat(x), shape, gamma, beta, y)
                    : bn.forwardTraining(TestData.toFloat(x), shape, gamma, beta, running, y);
            return new Forward(TestData.toDouble(y), stats);
        }

        @Override
        double[] forwardInference(BatchNormalizer bn, double[] x, Shape shape, double[] gamma, double[] beta, RunningStats running) {
            float[] y = new float[x.length];
            bn.forwardInference(TestData.toFloat(x), shape, gamma, beta, running, y);
            return TestData.toDouble(y);
        }

        @Override
        Backward backward(BatchNormalizer bn, double[] x, double[] dy, Shape shape, double[] gamma, double[] beta,
                             BatchStats saved) {
            float[] dx = new float[x.length];
            ParamGradients grads = bn.backward(TestData.toFloat(x), TestData.toFloat(dy), shape, gamma, beta, saved,
                    dx);
            return new Backward(TestData.toDouble(dx), grads);
        }
    },
    DOUBLE(Tolerances.F64) {
        @Override
        double[] representable(double[] v) {
            return v.clone();
        }

        @Override
        Forward forwardTraining(BatchNormalizer bn, double[] x, Shape shape, double[] gamma, double[] beta, RunningStats running) {
            double[] y = new double[x.length];
            BatchStats stats = running == null ? bn.forwardTraining(x.clone(), shape, gamma, beta, y)
                    : bn.forwardTraining(x.clone(), shape, gamma, beta, running, y);
            return new Forward(y, stats);
        }

        @Override
        double[] forwardInference(BatchNormalizer bn, double[] x, Shape shape, double[] gamma, double[] beta, RunningStats running) {
            double[] y = new double[x.length];
            bn.forwardInference(x.clone(), shape, gamma, beta, running, y);
            return y;
        }

        @Override
        Backward backward(BatchNormalizer bn, double[] x, double[] dy, Shape shape, double[] gamma, double[] beta,
                             BatchStats saved) {
            double[] dx = new double[x.length];
            ParamGradients grads = bn.backward(x.clone(), dy.clone(), shape, gamma, beta, saved, dx);
            return new Backward(dx, grads);
        }
    },
    /** Direct (off-heap) buffers, placed at a non-zero position inside a larger buffer. */
    FLOAT_DIRECT_BUFFER(Tolerances.F32) {
        @Override
        double[] representable(double[] v) {
            return TestData.toDouble(TestData.toFloat(v));
        }

        @Override
        Forward forwardTraining(BatchNormalizer bn, double[] x, Shape shape, double[] gamma, double[] beta, RunningStats running) {
            FloatBuffer y = floats(new double[x.length]);
            BatchStats stats = running == null ? bn.forwardTraining(floats(x), shape, gamma, beta, y)
                    : bn.forwardTraining(floats(x), shape, gamma, beta, running, y);
            return new Forward(values(y), stats);
        }

        @Override
        double[] forwardInference(BatchNormalizer bn, double[] x, Shape shape, double[] gamma, double[] beta, RunningStats running) {
            FloatBuffer y = floats(new double[x.length]);
            bn.forwardInference(floats(x), shape, gamma, beta, running, y);
            return values(y);
        }

        @Override
        Backward backward(BatchNormalizer bn, double[] x, double[] dy, Shape shape, double[] gamma, double[] beta,
                             BatchStats saved) {
            FloatBuffer dx = floats(new double[x.length]);
            ParamGradients grads = bn.backward(floats(x), floats(dy), shape, gamma, beta, saved, dx);
            return new Backward(values(dx), grads);
        }

        private FloatBuffer floats(double[] v) {
            FloatBuffer buffer = ByteBuffer.allocateDirect((v.length + 2 * PAD) * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
            for (int i = 0; i < v.length; i++) {
                buffer.put(PAD + i, (float) v[i]);
            }
            return buffer.position(PAD).limit(PAD + v.length);
        }

        private double[] values(FloatBuffer b) {
            double[] out = new double[b.remaining()];
            for (int i = 0; i < out.length; i++) {
                out[i] = b.get(b.position() + i);
            }
            return out;
        }
    },
    /** {@link DirectFloats} over a direct byte buffer, placed at a non-zero position inside a larger one. */
    FLOAT_DIRECT_MEMORY(Tolerances.F32) {
        @Override
        double[] representable(double[] v) {
            return TestData.toDouble(TestData.toFloat(v));
        }

        @Override
        Forward forwardTraining(BatchNormalizer bn, double[] x, Shape shape, double[] gamma, double[] beta, RunningStats running) {
            ByteBuffer y = bytes(new double[x.length]);
            BatchStats stats = running == null
                    ? bn.forwardTraining(DirectFloats.of(bytes(x)), shape, gamma, beta, DirectFloats.of(y))
                    : bn.forwardTraining(DirectFloats.of(bytes(x)), shape, gamma, beta, running, DirectFloats.of(y));
            return new Forward(values(y), stats);
        }

        @Override
        double[] forwardInference(BatchNormalizer bn, double[] x, Shape shape, double[] gamma, double[] beta, RunningStats running) {
            ByteBuffer y = bytes(new double[x.length]);
            bn.forwardInference(DirectFloats.of(bytes(x)), shape, gamma, beta, running, DirectFloats.of(y));
            return values(y);
        }

        @Override
        Backward backward(BatchNormalizer bn, double[] x, double[] dy, Shape shape, double[] gamma, double[] beta,
                             BatchStats saved) {
            ByteBuffer dx = bytes(new double[x.length]);
            ParamGradients grads = bn.backward(DirectFloats.of(bytes(x)), DirectFloats.of(bytes(dy)), shape, gamma,
                    beta, saved, DirectFloats.of(dx));
            return new Backward(values(dx), grads);
        }

        private ByteBuffer bytes(double[] v) {
            ByteBuffer buffer = ByteBuffer.allocateDirect((v.length + 2 * PAD) * 4).order(ByteOrder.nativeOrder());
            for (int i = 0; i < v.length; i++) {
                buffer.putFloat((PAD + i) * 4, (float) v[i]);
            }
            return buffer.position(PAD * 4).limit((PAD + v.length) * 4);
        }

        private double[] values(ByteBuffer b) {
            double[] out = new double[b.remaining() / 4];
            for (int i = 0; i < out.length; i++) {
                out[i] = b.getFloat(b.position() + 4 * i);
            }
            return out;
        }
    },
    DOUBLE_DIRECT_BUFFER(Tolerances.F64) {
        @Override
        double[] representable(double[] v) {
            return v.clone();
        }

        @Override
        Forward forwardTraining(BatchNormalizer bn, double[] x, Shape shape, double[] gamma, double[] beta, RunningStats running) {
            DoubleBuffer y = doubles(new double[x.length]);
            BatchStats stats = running == null ? bn.forwardTraining(doubles(x), shape, gamma, beta, y)
                    : bn.forwardTraining(doubles(x), shape, gamma, beta, running, y);
            return new Forward(values(y), stats);
        }

        @Override
        double[] forwardInference(BatchNormalizer bn, double[] x, Shape shape, double[] gamma, double[] beta, RunningStats running) {
            DoubleBuffer y = doubles(new double[x.length]);
            bn.forwardInference(doubles(x), shape, gamma, beta, running, y);
            return values(y);
        }

        @Override
        Backward backward(BatchNormalizer bn, double[] x, double[] dy, Shape shape, double[] gamma, double[] beta,
                             BatchStats saved) {
            DoubleBuffer dx = doubles(new double[x.length]);
            ParamGradients grads = bn.backward(doubles(x), doubles(dy), shape, gamma, beta, saved, dx);
            return new Backward(values(dx), grads);
        }

        private DoubleBuffer doubles(double[] v) {
            DoubleBuffer buffer = ByteBuffer.allocateDirect((v.length + 2 * PAD) * 8).order(ByteOrder.nativeOrder()).asDoubleBuffer();
            for (int i = 0; i < v.length; i++) {
                buffer.put(PAD + i, v[i]);
            }
            return buffer.position(PAD).limit(PAD + v.length);
        }

        private double[] values(DoubleBuffer b) {
            double[] out = new double[b.remaining()];
            for (int i = 0; i < out.length; i++) {
                out[i] = b.get(b.position() + i);
            }
            return out;
        }
    };

    /** Values the buffers carry before and after the tensor, so that an indexing error shows. */
    private static final int PAD = 3;

    final double tolerance;

    DataType(double tolerance) {
        this.tolerance = tolerance;
    }

    /** @return v rounded to this type and widened back: what the reference must see */
    abstract double[] representable(double[] v);

    /** Through the overload without running statistics. */
    Forward forwardTraining(BatchNormalizer bn, double[] x, Shape shape, double[] gamma, double[] beta) {
        return forwardTraining(bn, x, shape, gamma, beta, null);
    }

    /** Through the overload with running statistics, unless they are null. */
    abstract Forward forwardTraining(BatchNormalizer bn, double[] x, Shape shape, double[] gamma, double[] beta,
                                     RunningStats running);

    abstract double[] forwardInference(BatchNormalizer bn, double[] x, Shape shape, double[] gamma, double[] beta, RunningStats running);

    abstract Backward backward(BatchNormalizer bn, double[] x, double[] dy, Shape shape, double[] gamma, double[] beta,
                             BatchStats saved);

    record Forward(double[] y, BatchStats stats) {
    }

    record Backward(double[] dx, ParamGradients grads) {
    }
}
