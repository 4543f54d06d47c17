package org.bn4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import org.bn4j.core.loops.Loops;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Results are bitwise the same on every JDK: a SHA-256 digest of every output bit, over layouts, element types,
 * activations and storages (arrays and off-heap memory, which the Vector API reaches differently on JDK 17 and on JDK 20 and later),
 * equals the digest recorded for the same loops ({@code scalar}, or {@code vector-<bits>}: lanes change the order of
 * sums). Recorded in {@code src/test/resources/result-digests.properties} by running this test with
 * {@code -Dbn4j.recordDigests=true}; a loop implementation with no recorded digest is skipped with a message. The
 * vector loops of every other recorded width run too, in a JVM started with {@code -Dbn4j.vectorBits}: where the CPU
 * lacks the width, in the Vector API's plain-Java fallback, which gives the same bits, so any machine checks them all.
 */
@Tag("slow")
class CrossJdkReproducibilityTest {
    private static final Path DIGESTS = Path.of("src/test/resources/result-digests.properties");
    private static final List<Shape> SHAPES = List.of(Shape.of(Layout.NCHW, 3, 5, 7, 9),
            Shape.of(Layout.NHWC, 3, 7, 9, 5),
            Shape.of(Layout.NC, 37, 19), Shape.of(Layout.NCW, 4, 6, 101), Shape.of(Layout.NCDHW, 2, 3, 4, 5, 6),
            Shape.of(Layout.NCHW, 4, 8, 56, 56));

    @Test
    void everyOutputBitMatchesTheDigestRecordedForTheseLoops() throws IOException {
        String loops = Loops.description();
        String digest = digestOfAllResults();
        Properties recorded = recordedDigests();
        if (Boolean.getBoolean("bn4j.recordDigests")) {
            recorded.setProperty(loops, digest);
            try (Writer out = Files.newBufferedWriter(DIGESTS, StandardCharsets.UTF_8)) {
                recorded.store(out, "bn-core results by loop implementation (CrossJdkReproducibilityTest)");
            }
        }
        assumeTrue(recorded.containsKey(loops), "no digest recorded for " + loops + " loops in " + DIGESTS
                + "; record one with -Dbn4j.recordDigests=true");
        assertEquals(recorded.getProperty(loops), digest, "results of " + loops + " loops on Java "
                + System.getProperty("java.version") + " differ from the recorded ones");
    }

    @Test
    void vectorLoopsOfEveryOtherRecordedWidthMatchTheirDigest() throws IOException, InterruptedException {
        assumeTrue(BatchNormalizer.usesVectorApi(), "the vector loops run only with the Vector API");
        Properties recorded = recordedDigests();
        for (String loops : recorded.stringPropertyNames()) {
            if (!loops.startsWith("vector-") || loops.equals(Loops.description())) {
                continue;
            }
            String bits = loops.substring("vector-".length());
            String out = FreshJvm.lastLine(FreshJvm.run(List.of("--add-modules", "jdk.incubator.vector",
                    "-Dbn4j.vectorBits=" + bits), Digest.class));
            assertEquals(recorded.getProperty(loops), out, "results of " + loops + " loops, run here with "
                    + "-Dbn4j.vectorBits=" + bits + ", differ from the recorded ones");
        }
    }

    /** Prints the digest of this JVM's loops, as its last line: the other widths' check. */
    static final class Digest {
        public static void main(String[] args) {
            System.out.println(digestOfAllResults());
        }
    }

    private static Properties recordedDigests() throws IOException {
        Properties recorded = new Properties();
        if (Files.exists(DIGESTS)) {
            try (Reader in = Files.newBufferedReader(DIGESTS, StandardCharsets.UTF_8)) {
                recorded.load(in);
            }
        }
        return recorded;
    }

    private static String digestOfAllResults() {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
        for (Activation act : List.of(Activation.IDENTITY, Activation.RELU, Activation.leakyRelu(0.1))) {
            addResults(sha, new BatchNormalizer(BatchNormConfig.builder().activation(act).build(),
                    Parallelism.threads(2)));
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void addResults(MessageDigest sha, BatchNormalizer bn) {
        for (Shape shape : SHAPES) {
            TestData.Inputs in = TestData.Inputs.of(shape);
            double[] x = in.x();
            double[] dy = in.dy();
            double[] gamma = in.gamma();
            double[] beta = in.beta();
            RunningStats running = in.running();
            for (DataType type : List.of(DataType.FLOAT, DataType.FLOAT_DIRECT_MEMORY, DataType.DOUBLE)) {
                DataType.Forward forward = type.forwardTraining(bn, x, shape, gamma, beta);
                DataType.Backward backward = type.backward(bn, x, dy, shape, gamma, beta, forward.stats());
                add(sha, forward.y());
                add(sha, forward.stats().mean());
                add(sha, forward.stats().biasedVar());
                add(sha, backward.dx());
                add(sha, backward.grads().dGamma());
                add(sha, backward.grads().dBeta());
                add(sha, type.forwardInference(bn, x, shape, gamma, beta, running));
            }
        }
    }

    private static void add(MessageDigest sha, double[] values) {
        ByteBuffer bits = ByteBuffer.allocate(values.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            bits.putLong(Double.doubleToRawLongBits(v));
        }
        sha.update(bits.array());
    }
}
