package org.bn4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.bn4j.examples.data.Cifar10;
import org.bn4j.examples.data.Examples;
import org.bn4j.examples.data.Idx;
import org.bn4j.examples.data.Mnist;
import org.bn4j.examples.data.Shapes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

/** Loaders read good files and reject truncated or corrupt ones with a message that says what is wrong. */
class LoadersTest {
    private static byte[] idx(int rank, int[] dims, int values) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * rank + values);
        b.putInt(0x00000800 | rank);
        for (int d : dims) {
            b.putInt(d);
        }
        for (int i = 0; i < values; i++) {
            b.put((byte) (i % 10));
        }
        return b.array();
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    private static void assertRejected(String expected, org.junit.jupiter.api.function.Executable read) {
        IOException e = assertThrows(IOException.class, read);
        assertTrue(e.getMessage().contains(expected), "message should contain '" + expected + "': " + e.getMessage());
    }

    @Test
    void bundledMnistHoldsTenThousandLabelledDigitsOfEveryClass() throws Exception {
        Examples mnist = Mnist.bundled();
        assertEquals(8000, mnist.train().numExamples());
        assertEquals(2000, mnist.test().numExamples());
        double[] perClass = mnist.train().getLabels().sum(0).toDoubleVector();
        for (double count : perClass) {
            assertTrue(count > 600 && count < 1000, "class counts " + Arrays.toString(perClass));
        }
        assertEquals(1.0, mnist.train().getFeatures().maxNumber().doubleValue(), 1e-6);
        assertEquals(0.0, mnist.train().getFeatures().minNumber().doubleValue(), 1e-6);
    }

    @Test
    void idxReadsPlainAndGzippedFiles() throws Exception {
        byte[] file = idx(3, new int[] {2, 28, 28}, 2 * 784);
        assertEquals(2 * 784, Idx.read(new ByteArrayInputStream(file), "plain", 3).values().length);
        assertEquals(2 * 784, Idx.read(new ByteArrayInputStream(gzip(file)), "gzipped", 3).values().length);
    }

    @Test
    void truncatedIdxIsRejected() {
        byte[] file = Arrays.copyOf(idx(3, new int[] {2, 28, 28}, 2 * 784), 4 + 12 + 784);
        assertRejected("truncated.idx: the header promises 1568 values but the file holds 784 (truncated)",
                () -> Idx.read(new ByteArrayInputStream(file), "truncated.idx", 3));
    }

    @Test
    void truncatedGzipIsRejected() throws Exception {
        byte[] gz = gzip(idx(3, new int[] {2, 28, 28}, 2 * 784));
        assertRejected("cut.gz: the gzip stream is truncated",
                () -> Idx.read(new ByteArrayInputStream(Arrays.copyOf(gz, gz.length / 2)), "cut.gz", 3));
    }

    @Test
    void wrongMagicIsRejected() {
        byte[] file = idx(3, new int[] {1, 28, 28}, 784);
        file[2] = 0x0d;   // float data, not unsigned bytes
        assertRejected("not an IDX file of unsigned bytes",
                () -> Idx.read(new ByteArrayInputStream(file), "floats.idx", 3));
    }

    @Test
    void labelsThatDoNotMatchTheImagesAreRejected() {
        assertRejected("labels has 3 labels but images has 2 images", () -> Mnist.dataSet(
                new ByteArrayInputStream(idx(3, new int[] {2, 28, 28}, 2 * 784)), "images",
                new ByteArrayInputStream(idx(1, new int[] {3}, 3)), "labels"));
    }

    @Test
    void mnistDirectoryIsReadWithGzippedFiles(@TempDir Path dir) throws Exception {
        for (String prefix : List.of("train", "t10k")) {
            Files.write(dir.resolve(prefix + "-images-idx3-ubyte.gz"), gzip(idx(3, new int[] {5, 28, 28}, 5 * 784)));
            Files.write(dir.resolve(prefix + "-labels-idx1-ubyte"), idx(1, new int[] {5}, 5));
        }
        Examples mnist = Mnist.fromDirectory(dir);
        assertEquals(5, mnist.train().numExamples());
        assertEquals(5, mnist.test().numExamples());
    }

    @Test
    void cifarRecordsAreRead(@TempDir Path dir) throws Exception {
        byte[] records = new byte[2 * 3073];
        records[0] = 7;
        records[3073] = 2;
        records[1] = (byte) 255;
        Path file = dir.resolve("data_batch_1.bin");
        Files.write(file, records);

        DataSet data = Cifar10.read(List.of(file));

        assertEquals(2, data.numExamples());
        assertEquals(1.0, data.getLabels().getDouble(0, 7));
        assertEquals(1.0, data.getLabels().getDouble(1, 2));
        assertEquals(1.0, data.getFeatures().getDouble(0, 0), 1e-6);
    }

    @Test
    void truncatedCifarIsRejected(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("data_batch_1.bin");
        Files.write(file, new byte[3073 + 100]);
        assertRejected("3173 bytes is not a whole number of 3073-byte CIFAR-10 records",
                () -> Cifar10.read(List.of(file)));
    }

    @Test
    void corruptCifarLabelIsRejected(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("test_batch.bin");
        byte[] records = new byte[3073];
        records[0] = 12;
        Files.write(file, records);
        assertRejected("record 0 has label 12", () -> Cifar10.read(List.of(file)));
    }

    @Test
    void generatedShapesAreDeterministicAndCoverEveryClass() {
        Examples a = Shapes.generate(16, 400, 10, 7);
        Examples b = Shapes.generate(16, 400, 10, 7);
        assertEquals(a.train().getFeatures(), b.train().getFeatures());
        assertEquals(a.train().getLabels(), b.train().getLabels());
        for (double count : a.train().getLabels().sum(0).toDoubleVector()) {
            assertTrue(count > 20, "every class appears");
        }
        assertEquals(3 * 16 * 16, a.train().getFeatures().columns());
    }
}
