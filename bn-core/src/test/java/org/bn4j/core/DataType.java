package org.bn4j.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.function.IntToDoubleFunction;

/**
 * Runs {@link BatchNormalizer} on float or double data, in arrays or direct buffers, and hands results back in double,
 * so that one test covers every element type and storage.
 */
enum DataType {
    FLOAT(Tolerances.F32, false) {
        @Override
        Stored store(double[] v) {
            float[] a = TestData.toFloat(v);
            return new Stored(Values.of(a), () -> TestData.toDouble(a));
        }
    },
    DOUBLE(Tolerances.F64, true) {
        @Override
        Stored store(double[] v) {
            double[] a = v.clone();
            return new Stored(Values.of(a), a::clone);
        }
    },
    /** Direct (off-heap) buffers, placed at a non-zero position inside a larger buffer. */
    FLOAT_DIRECT_BUFFER(Tolerances.F32, false) {
        @Override
        Stored store(double[] v) {
            FloatBuffer b = direct(v.length, Float.BYTES).asFloatBuffer();
            for (int i = 0; i < v.length; i++) {
                b.put(PAD + i, (float) v[i]);
            }
            b.position(PAD).limit(PAD + v.length);
            return new Stored(Values.of(b), () -> valuesOf(v.length, i -> b.get(PAD + i)));
        }
    },
    /** {@link Values#ofDirectFloats} over a direct byte buffer, placed at a non-zero position inside a larger one. */
    FLOAT_DIRECT_MEMORY(Tolerances.F32, false) {
        @Override
        Stored store(double[] v) {
            ByteBuffer b = direct(v.length, Float.BYTES);
            for (int i = 0; i < v.length; i++) {
                b.putFloat((PAD + i) * Float.BYTES, (float) v[i]);
            }
            b.position(PAD * Float.BYTES).limit((PAD + v.length) * Float.BYTES);
            return new Stored(Values.ofDirectFloats(b),
                    () -> valuesOf(v.length, i -> b.getFloat((PAD + i) * Float.BYTES)));
        }
    },
    DOUBLE_DIRECT_BUFFER(Tolerances.F64, true) {
        @Override
        Stored store(double[] v) {
            DoubleBuffer b = direct(v.length, Double.BYTES).asDoubleBuffer();
            for (int i = 0; i < v.length; i++) {
                b.put(PAD + i, v[i]);
            }
            b.position(PAD).limit(PAD + v.length);
            return new Stored(Values.of(b), () -> valuesOf(v.length, i -> b.get(PAD + i)));
        }
    };

    /** Values the buffers carry before and after the tensor, so that an indexing error shows. */
    private static final int PAD = 3;

    final double tolerance;
    private final boolean isDouble;

    DataType(double tolerance, boolean isDouble) {
        this.tolerance = tolerance;
        this.isDouble = isDouble;
    }

    /** @return v rounded to this type and widened back: what the reference must see */
    double[] representable(double[] v) {
        return isDouble ? v.clone() : TestData.toDouble(TestData.toFloat(v));
    }

    /** @return v in this type and storage, and how to read it back */
    abstract Stored store(double[] v);

    /** @return values 0 to n - 1, read one by one */
    private static double[] valuesOf(int n, IntToDoubleFunction value) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = value.applyAsDouble(i);
        }
        return out;
    }

    private static ByteBuffer direct(int length, int bytesPerValue) {
        return ByteBuffer.allocateDirect((length + 2 * PAD) * bytesPerValue).order(ByteOrder.nativeOrder());
    }

    /** Without running statistics. */
    Forward forwardTraining(BatchNormalizer bn, double[] x, Shape shape, double[] gamma, double[] beta) {
        return forwardTraining(bn, x, shape, gamma, beta, null);
    }

    Forward forwardTraining(BatchNormalizer bn, double[] x, Shape shape, double[] gamma, double[] beta,
                            RunningStats running) {
        Stored y = store(new double[x.length]);
        BatchStats stats = bn.forwardTraining(store(x).values(), shape, gamma, beta, running, y.values());
        return new Forward(y.read(), stats);
    }

    double[] forwardInference(BatchNormalizer bn, double[] x, Shape shape, double[] gamma, double[] beta,
                              RunningStats running) {
        Stored y = store(new double[x.length]);
        bn.forwardInference(store(x).values(), shape, gamma, beta, running, y.values());
        return y.read();
    }

    Backward backward(BatchNormalizer bn, double[] x, double[] dy, Shape shape, double[] gamma, double[] beta,
                      BatchStats saved) {
        Stored dx = store(new double[x.length]);
        ParamGradients grads = bn.backward(store(x).values(), store(dy).values(), shape, gamma, beta, saved,
                dx.values());
        return new Backward(dx.read(), grads);
    }

    Backward backwardInference(BatchNormalizer bn, double[] x, double[] dy, Shape shape, double[] gamma,
                               double[] beta, RunningStats running) {
        Stored dx = store(new double[x.length]);
        ParamGradients grads = bn.backwardInference(store(x).values(), store(dy).values(), shape, gamma, beta, running,
                dx.values());
        return new Backward(dx.read(), grads);
    }

    /** Values in this type's storage, and how to read them back as doubles. */
    record Stored(Values values, java.util.function.Supplier<double[]> reader) {
        double[] read() {
            return reader.get();
        }
    }

    record Forward(double[] y, BatchStats stats) {
    }

    record Backward(double[] dx, ParamGradients grads) {
    }
}
