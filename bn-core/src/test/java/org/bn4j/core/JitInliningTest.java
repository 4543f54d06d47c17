package org.bn4j.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The vector loops are fast only when C2 inlines every load and store in them, and the small vector helpers they call
 * per vector, and turns each load and store into its vector instruction: a call it does not inline boxes its vector,
 * an intrinsic it cannot apply runs lane by lane, and either way the loop runs many times slower with the same
 * results, so no other test would notice. C2 stops inlining when the code it has built for a method exceeds a budget,
 * which loops with many loads and stores did; and it applies an intrinsic only where the vector's species is a
 * constant, which it was not once the JVM's type-check traps in the JDK's vector methods passed
 * {@code -XX:PerMethodTrapLimit} (two float species did that, after channels-first shapes had run first). This runs
 * the kernels hot in a fresh JVM, channels-first shapes first, with the JIT's default (tiered) policy and its inlining
 * log of the off-heap and the array loops, and fails on
 * any load, store or per-vector helper that C2 did not inline, and on any load or store it did not intrinsify.
 */
@Tag("slow")
class JitInliningTest {
    /** Channels-first first: the order that once cost the later channels-last loops their store intrinsics. */
    private static final List<Shape> SHAPES = List.of(Shape.of(Layout.NCHW, 4, 64, 16, 16),
            Shape.of(Layout.NC, 256, 1024), Shape.of(Layout.NHWC, 4, 16, 16, 32), Shape.of(Layout.NHWC, 4, 16, 16, 64),
            Shape.of(Layout.NHWC, 4, 16, 16, 21), Shape.of(Layout.NCW, 8, 32, 50));

    @Test
    void c2InlinesEveryOffHeapLoadAndStore() throws IOException, InterruptedException {
        assumeTrue(BatchNormalizer.usesVectorApi(), "the off-heap vector loops run only with the Vector API");
        String log = FreshJvm.run(List.of("--add-modules", "jdk.incubator.vector", "-XX:+UnlockDiagnosticVMOptions",
                "-XX:CompileCommand=quiet",
                "-XX:CompileCommand=PrintInlining,org.bn4j.core.loops.DirectFloatVectorLoops::*",
                "-XX:CompileCommand=PrintInlining,org.bn4j.core.kernel.DirectFloatPlanarKernel::*",
                "-XX:CompileCommand=PrintInlining,org.bn4j.core.kernel.DirectFloatRowKernel::*",
                "-XX:CompileCommand=PrintInlining,org.bn4j.core.loops.FloatVectorLoops::*"), HotKernels.class);
        List<String> accesses = log.lines().filter(JitInliningTest::isLoadOrStore).collect(Collectors.toList());
        assertFalse(accesses.isEmpty(), "C2's inlining log names no load or store; did the loops compile?\n" + log);
        // C2's reasons only: the log holds C1's decisions too, and C1's code is replaced once C2 has compiled a loop.
        List<String> notInlined = accesses.stream()
                .filter(line -> line.contains("NodeCountInliningCutoff") || line.contains("hot method too big")
                        || line.contains("already compiled into a big method"))
                .collect(Collectors.toList());
        assertTrue(notInlined.isEmpty(), "C2 did not inline:\n" + String.join("\n", notInlined));
        List<String> notIntrinsified = log.lines()
                .filter(line -> (line.contains("VectorSupport::load") || line.contains("VectorSupport::store"))
                        && line.contains("failed to inline (intrinsic)"))
                .collect(Collectors.toList());
        assertTrue(notIntrinsified.isEmpty(), "C2 could not make these loads and stores vector instructions:\n"
                + String.join("\n", notIntrinsified));
    }

    /** A load or store, or one of the small vector helpers that the loops call per vector or per run. */
    private static boolean isLoadOrStore(String line) {
        return line.contains("FloatMemory::load") || line.contains("FloatMemory::store")
                || line.contains("FloatMemory::widened") || line.contains("Lanes::");
    }

    /**
     * Runs every pass of every kernel on off-heap memory until C2 has compiled them: plain batch normalization, then
     * with a fused ReLU, whose loops are others.
     */
    static final class HotKernels {
        public static void main(String[] args) {
            for (Activation act : new Activation[] {Activation.IDENTITY, Activation.RELU}) {
                BatchNormalizer bn = new BatchNormalizer(BatchNormConfig.builder().activation(act).build(),
                        Parallelism.serial());
                for (Shape shape : SHAPES) {
                    Values x = filled(shape.size(), 1), dy = filled(shape.size(), 2);
                    Values y = filled(shape.size(), 3), dx = filled(shape.size(), 4);
                    double[] gamma = TestData.uniform(shape.channels(), 0.5, 2, 1);
                    double[] beta = TestData.uniform(shape.channels(), -1, 1, 2);
                    RunningStats running = RunningStats.initial(shape.channels());
                    for (int i = 0; i < 500; i++) {
                        BatchStats stats = bn.forwardTraining(x, shape, gamma, beta, null, y);
                        bn.backward(x, dy, shape, gamma, beta, stats, dx);
                        bn.forwardInference(x, shape, gamma, beta, running, y);
                    }
                }
            }
        }

        private static Values filled(int n, long seed) {
            ByteBuffer bytes = ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.nativeOrder());
            double[] v = TestData.uniform(n, -2, 2, seed);
            for (int i = 0; i < n; i++) {
                bytes.putFloat(i * Float.BYTES, (float) v[i]);
            }
            return Values.ofDirectFloats(bytes);
        }
    }
}
