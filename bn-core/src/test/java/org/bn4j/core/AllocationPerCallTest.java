package org.bn4j.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A call allocates on the heap only its per-channel results and coefficients: its working arrays are per thread and
 * reused, so what it allocates does not grow with the tensor. Counted in the calling thread (one thread, so every
 * task runs there too), in steady state, on off-heap floats as the layer calls it. Steady state is once the JIT has
 * compiled the loops: until then the Vector API's fallback allocates per vector.
 */
class AllocationPerCallTest {
    /** Per-channel arrays of doubles a training step may allocate: results and coefficients. */
    private static final int DOUBLES_PER_CHANNEL = 16;
    /** The objects around them: statistics, gradients, views of the memory. */
    private static final int FIXED_BYTES = 2048;
    private static final int CALLS_PER_ROUND = 200;
    /** Rounds in a row within the bound that make the count steady. */
    private static final int STEADY_ROUNDS = 3;
    /** How long the JIT gets to compile the loops. */
    private static final long MAX_NANOS = 60_000_000_000L;

    private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory
            .getThreadMXBean();

    /** The same channels and plane, one batch small and one sixteen times larger; channels-last tiles are 1024 values. */
    static Stream<Shape[]> smallAndLarge() {
        return Stream.of(new Shape[] {Shape.of(Layout.NC, 64, 100), Shape.of(Layout.NC, 1024, 100)},
                new Shape[] {Shape.of(Layout.NHWC, 2, 8, 8, 32), Shape.of(Layout.NHWC, 32, 8, 8, 32)},
                new Shape[] {Shape.of(Layout.NCHW, 2, 16, 8, 8), Shape.of(Layout.NCHW, 32, 16, 8, 8)},
                new Shape[] {Shape.of(Layout.NCW, 2, 24, 50), Shape.of(Layout.NCW, 32, 24, 50)});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("smallAndLarge")
    void aTrainingStepAllocatesPerChannelNotPerValue(Shape small, Shape large) {
        long bound = (long) DOUBLES_PER_CHANNEL * Double.BYTES * small.channels() + FIXED_BYTES;

        long smallBytes = new Step(small).steadyBytesPerCall(bound);
        long largeBytes = new Step(large).steadyBytesPerCall(bound);

        assertTrue(smallBytes <= bound, small + " allocated " + smallBytes + " bytes per step, more than " + bound);
        assertTrue(largeBytes <= smallBytes + 256,
                large + " allocated " + largeBytes + " bytes per step against " + smallBytes + " for " + small);
    }

    /** Forward and backward in training, with ReLU, as the layer runs them on ND4J's memory. */
    private static final class Step {
        private final BatchNormalizer bn = new BatchNormalizer(
                BatchNormConfig.builder().activation(Activation.RELU).build(), Parallelism.serial());
        private final Shape shape;
        private final Values x;
        private final Values y;
        private final Values dy;
        private final Values dx;
        private final double[] gamma;
        private final double[] beta;

        Step(Shape shape) {
            this.shape = shape;
            TestData.Inputs in = TestData.Inputs.of(shape);
            this.x = offHeap(in.x());
            this.dy = offHeap(in.dy());
            this.y = offHeap(new double[shape.size()]);
            this.dx = offHeap(new double[shape.size()]);
            this.gamma = in.gamma();
            this.beta = in.beta();
        }

        void run() {
            BatchStats stats = bn.forwardTraining(x, shape, gamma, beta, null, y);
            bn.backward(x, dy, shape, gamma, beta, stats, dx);
        }

        /**
         * @return the fewest bytes per call over rounds of calls, run until {@link #STEADY_ROUNDS} rounds in a row
         * were within {@code bound} or the JIT's time ran out
         */
        long steadyBytesPerCall(long bound) {
            long fewest = Long.MAX_VALUE;
            long start = System.nanoTime();
            for (int within = 0; within < STEADY_ROUNDS && System.nanoTime() - start < MAX_NANOS;) {
                long bytes = bytesPerCall();
                within = bytes <= bound ? within + 1 : 0;
                fewest = Math.min(fewest, bytes);
            }
            return fewest;
        }

        private long bytesPerCall() {
            long thread = Thread.currentThread().getId();
            long before = THREADS.getThreadAllocatedBytes(thread);
            for (int i = 0; i < CALLS_PER_ROUND; i++) {
                run();
            }
            return (THREADS.getThreadAllocatedBytes(thread) - before) / CALLS_PER_ROUND;
        }

        private static Values offHeap(double[] values) {
            ByteBuffer bytes = ByteBuffer.allocateDirect(values.length * Float.BYTES).order(ByteOrder.nativeOrder());
            for (double v : values) {
                bytes.putFloat((float) v);
            }
            return Values.ofDirectFloats(bytes.clear());
        }
    }
}
