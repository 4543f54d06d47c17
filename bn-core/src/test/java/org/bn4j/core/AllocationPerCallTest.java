package org.bn4j.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A call allocates on the heap only its per-channel results and coefficients: its working arrays are per thread and
 * reused, so what it allocates does not grow with the tensor. Counted in the calling thread (one thread, so every
 * task runs there too), in steady state, on off-heap floats as the layer calls it. Steady state is once the JIT has
 * compiled the loops: until then the Vector API's fallback allocates per vector.
 *
 * <p>Measured in a JVM of its own, as the one that runs this test was started (with the Vector API or without): in a
 * JVM that has run many other kernels and shapes first, C2 at times compiles a vector loop without its intrinsics and
 * keeps that code, which then allocates per vector (see docs/performance.md, "every shape in one JVM"); that is C2's
 * state, not bn4j's allocation, and it depends on which tests ran before.
 */
class AllocationPerCallTest {
    /** Per-channel arrays of doubles a training step may allocate: results and coefficients. */
    private static final int DOUBLES_PER_CHANNEL = 16;
    /**
     * The objects around them: statistics, gradients, views of the memory, the passes' tasks. About 3 KB, of which C2's
     * escape analysis removes some in one compilation and not in another.
     */
    private static final int FIXED_BYTES = 4096;
    /** What escape analysis may leave in one shape's compiled code and not in another's (seen: 776 bytes). */
    private static final int COMPILATION_SLACK = 1024;
    private static final int CALLS_PER_ROUND = 200;
    /** Rounds in a row within the bound that make the count steady. */
    private static final int STEADY_ROUNDS = 3;
    /**
     * Rounds at least: within the bound is not yet steady, while C2 is still compiling (a large shape was seen a few
     * kilobytes above the small one after the first rounds, and equal to it later).
     */
    private static final int MIN_ROUNDS = 30;
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
    void aTrainingStepAllocatesPerChannelNotPerValue(Shape small, Shape large)
            throws IOException, InterruptedException {
        long bound = (long) DOUBLES_PER_CHANNEL * Double.BYTES * small.channels() + FIXED_BYTES;

        long[] bytes = bytesPerCallInAFreshJvm(small, large, bound);
        long smallBytes = bytes[0];
        long largeBytes = bytes[1];

        assertTrue(smallBytes <= bound, small + " allocated " + smallBytes + " bytes per step, more than " + bound);
        assertTrue(largeBytes <= smallBytes + COMPILATION_SLACK,
                large + " allocated " + largeBytes + " bytes per step against " + smallBytes + " for " + small);
    }

    /** @return the steady bytes per call of each shape, measured in a JVM started as this one was */
    private static long[] bytesPerCallInAFreshJvm(Shape small, Shape large, long bound)
            throws IOException, InterruptedException {
        String[] last = FreshJvm.lastLine(FreshJvm.run(FreshJvm.likeThisOne(), Measure.class, Long.toString(bound),
                argument(small), argument(large))).split(" ");
        return new long[] {Long.parseLong(last[0]), Long.parseLong(last[1])};
    }

    private static String argument(Shape shape) {
        return shape.layout() + ":" + Arrays.stream(shape.dims()).mapToObj(Integer::toString)
                .reduce((a, b) -> a + "," + b).orElseThrow();
    }

    private static Shape shape(String argument) {
        String[] parts = argument.split(":");
        return Shape.of(Layout.valueOf(parts[0]), Arrays.stream(parts[1].split(",")).mapToInt(Integer::parseInt)
                .toArray());
    }

    /**
     * Prints, as its last line, the steady bytes per call of the two shapes given after the bound: the fewest over
     * rounds of calls, at least {@link #MIN_ROUNDS}, run until {@link #STEADY_ROUNDS} rounds in a row were within their
     * bounds or the JIT's time ran out. The shapes take turns, round by round, so that both are measured in the same compiled code: measured one
     * after the other, the second's new paths made C2 recompile, and escape analysis then left a kilobyte or two more
     * or less, either way.
     */
    static final class Measure {
        public static void main(String[] args) {
            long bound = Long.parseLong(args[0]);
            Step small = new Step(shape(args[1]));
            Step large = new Step(shape(args[2]));
            long fewestSmall = Long.MAX_VALUE;
            long fewestLarge = Long.MAX_VALUE;
            long start = System.nanoTime();
            for (int round = 0, within = 0; (round < MIN_ROUNDS || within < STEADY_ROUNDS)
                    && System.nanoTime() - start < MAX_NANOS; round++) {
                long smallBytes = small.bytesPerCall();
                long largeBytes = large.bytesPerCall();
                within = smallBytes <= bound && largeBytes <= bound + COMPILATION_SLACK ? within + 1 : 0;
                fewestSmall = Math.min(fewestSmall, smallBytes);
                fewestLarge = Math.min(fewestLarge, largeBytes);
            }
            System.out.println(fewestSmall + " " + fewestLarge);
        }
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
