package org.bn4j.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The same input gives bitwise the same results at every thread count: reductions have a fixed order. */
@Tag("slow")
class DeterminismTest {
    static Stream<Shape> largeShapes() {
        return Stream.of(Shape.of(Layout.NCHW, 8, 16, 40, 40), Shape.of(Layout.NHWC, 8, 40, 40, 16),
                Shape.of(Layout.NC, 4099, 48), Shape.of(Layout.NCW, 64, 3, 1001),
                Shape.of(Layout.NCHW, 40, 25, 14, 14), Shape.of(Layout.NC, 200, 300));
    }

    /**
     * Large shapes (among them rows so wide that a group holds its fewest rows); planes too short for vectors, or
     * longer than one block (split into parts with a tail); rows with channels past the last whole vector, or fewer
     * channels than one vector; rows of several whole vectors, with and without a partial last tile.
     */
    static Stream<Shape> everyBlockGeometry() {
        return Stream.concat(largeShapes(),
                Stream.of(Shape.of(Layout.NCHW, 48, 40, 7, 9), Shape.of(Layout.NCW, 3, 2, 40001),
                        Shape.of(Layout.NHWC, 4, 30, 30, 21), Shape.of(Layout.NC, 5000, 7),
                        Shape.of(Layout.NHWC, 9, 7, 5, 64),
                        Shape.of(Layout.NWC, 5, 45, 32), Shape.of(Layout.NC, 1001, 8)));
    }

    /** The off-heap path loads and stores in place where arrays are used in place: the same arithmetic, the same bits. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBlockGeometry")
    void offHeapFloatResultsAreBitwiseThoseOfArrays(Shape shape) {
        TestData.Inputs in = TestData.Inputs.of(shape);
        double[] x = in.x();
        double[] dy = in.dy();
        double[] gamma = in.gamma();
        double[] beta = in.beta();
        RunningStats running = in.running();
        BatchNormalizer bn = new BatchNormalizer(BatchNormConfig.defaults(), Parallelism.threads(2));

        DataType.Forward arrays = DataType.FLOAT.forwardTraining(bn, x, shape, gamma, beta);
        DataType.Forward offHeap = DataType.FLOAT_DIRECT_MEMORY.forwardTraining(bn, x, shape, gamma, beta);
        assertArrayEquals(arrays.y(), offHeap.y());
        assertArrayEquals(arrays.stats().mean(), offHeap.stats().mean());
        assertArrayEquals(arrays.stats().biasedVar(), offHeap.stats().biasedVar());
        DataType.Backward arraysBack = DataType.FLOAT.backward(bn, x, dy, shape, gamma, beta, arrays.stats());
        DataType.Backward offHeapBack = DataType.FLOAT_DIRECT_MEMORY.backward(bn, x, dy, shape, gamma, beta,
                arrays.stats());
        assertArrayEquals(arraysBack.dx(), offHeapBack.dx());
        assertArrayEquals(arraysBack.grads().dGamma(), offHeapBack.grads().dGamma());
        assertArrayEquals(arraysBack.grads().dBeta(), offHeapBack.grads().dBeta());
        assertArrayEquals(DataType.FLOAT.forwardInference(bn, x, shape, gamma, beta, running),
                DataType.FLOAT_DIRECT_MEMORY.forwardInference(bn, x, shape, gamma, beta, running));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("largeShapes")
    void floatResultsAreBitwiseIdenticalForEveryThreadCount(Shape shape) {
        float[] x = TestData.toFloat(TestData.activations(shape, TestData.SEED));
        float[] dy = TestData.toFloat(TestData.uniform(shape.size(), -1, 1, 5));
        double[] gamma = TestData.uniform(shape.channels(), 0.5, 2, 1);
        double[] beta = TestData.uniform(shape.channels(), -1, 1, 2);

        Result serial = run(Parallelism.serial(), x, dy, shape, gamma, beta);
        for (int threads : new int[] {2, 3, 4, 7}) {
            Result parallel = run(Parallelism.threads(threads), x, dy, shape, gamma, beta);
            String at = threads + " threads";
            assertArrayEquals(serial.y, parallel.y, at);
            assertArrayEquals(serial.dx, parallel.dx, at);
            assertArrayEquals(serial.stats.mean(), parallel.stats.mean(), 0.0, at);
            assertArrayEquals(serial.stats.biasedVar(), parallel.stats.biasedVar(), 0.0, at);
            assertArrayEquals(serial.grads.dGamma(), parallel.grads.dGamma(), 0.0, at);
            assertArrayEquals(serial.grads.dBeta(), parallel.grads.dBeta(), 0.0, at);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("largeShapes")
    void repeatedRunsAreBitwiseIdentical(Shape shape) {
        float[] x = TestData.toFloat(TestData.activations(shape, TestData.SEED));
        float[] dy = TestData.toFloat(TestData.uniform(shape.size(), -1, 1, 5));
        double[] gamma = TestData.uniform(shape.channels(), 0.5, 2, 1);
        double[] beta = TestData.uniform(shape.channels(), -1, 1, 2);
        Parallelism all = Parallelism.availableProcessors();

        Result first = run(all, x, dy, shape, gamma, beta);
        Result second = run(all, x, dy, shape, gamma, beta);

        assertArrayEquals(first.y, second.y);
        assertArrayEquals(first.dx, second.dx);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("largeShapes")
    void directBuffersGiveBitwiseTheResultsOfArrays(Shape shape) {
        float[] x = TestData.toFloat(TestData.activations(shape, TestData.SEED));
        float[] dy = TestData.toFloat(TestData.uniform(shape.size(), -1, 1, 5));
        double[] gamma = TestData.uniform(shape.channels(), 0.5, 2, 1);
        double[] beta = TestData.uniform(shape.channels(), -1, 1, 2);
        BatchNormalizer bn = new BatchNormalizer(BatchNormConfig.defaults(), Parallelism.threads(3));
        Result arrays = run(Parallelism.threads(3), x, dy, shape, gamma, beta);

        FloatBuffer y = direct(new float[x.length]);
        FloatBuffer dx = direct(new float[x.length]);
        BatchStats stats = bn.forwardTraining(Values.of(direct(x)), shape, gamma, beta, null, Values.of(y));
        ParamGradients grads = bn.backward(Values.of(direct(x)), Values.of(direct(dy)), shape, gamma, beta, stats,
                Values.of(dx));

        assertArrayEquals(arrays.y, contents(y));
        assertArrayEquals(arrays.dx, contents(dx));
        assertArrayEquals(arrays.stats.biasedVar(), stats.biasedVar(), 0.0);
        assertArrayEquals(arrays.grads.dGamma(), grads.dGamma(), 0.0);
    }

    private static FloatBuffer direct(float[] values) {
        FloatBuffer buffer = ByteBuffer.allocateDirect(values.length * 4).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        return buffer.put(values).flip();
    }

    private static float[] contents(FloatBuffer buffer) {
        float[] out = new float[buffer.remaining()];
        buffer.get(buffer.position(), out);
        return out;
    }

    private record Result(float[] y, float[] dx, BatchStats stats, ParamGradients grads) {
    }

    private static Result run(Parallelism parallelism, float[] x, float[] dy, Shape shape, double[] gamma,
                              double[] beta) {
        BatchNormalizer bn = new BatchNormalizer(BatchNormConfig.defaults(), parallelism);
        float[] y = new float[x.length];
        float[] dx = new float[x.length];
        BatchStats stats = bn.forwardTraining(Values.of(x), shape, gamma, beta, null, Values.of(y));
        ParamGradients grads = bn.backward(Values.of(x), Values.of(dy), shape, gamma, beta, stats, Values.of(dx));
        return new Result(y, dx, stats, grads);
    }
}
