package org.bn4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.bn4j.examples.data.Examples;
import org.bn4j.examples.data.FashionMnist;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fashion-MNIST from Debian's package, and the errors for missing or damaged files. */
class FashionMnistTest {
    /** Skips the calling test, saying how to get the data, when the Debian package is not installed. */
    static void assumeInstalled() {
        Assumptions.assumeTrue(Files.isDirectory(FashionMnist.DEBIAN_DIR), "skipped: Fashion-MNIST is not in "
                + FashionMnist.DEBIAN_DIR + " (apt-get install dataset-fashion-mnist)");
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    private static byte[] idx(int... dims) {
        int values = Arrays.stream(dims).reduce(1, (a, b) -> a * b);
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + values);
        b.putInt(0x00000800 | dims.length);
        Arrays.stream(dims).forEach(b::putInt);
        return b.array();
    }

    @Test
    void theDebianPackageHoldsSixtyThousandTrainingAndTenThousandTestImagesInTenBalancedClasses() throws Exception {
        assumeInstalled();

        Examples data = FashionMnist.load(null);

        assertEquals(60000, data.train().numExamples());
        assertEquals(10000, data.test().numExamples());
        assertEquals(784, data.train().getFeatures().columns());
        for (double count : data.train().getLabels().sum(0).toDoubleVector()) {
            assertEquals(6000, count);
        }
        for (double count : data.test().getLabels().sum(0).toDoubleVector()) {
            assertEquals(1000, count);
        }
        assertEquals(1.0, data.train().getFeatures().maxNumber().doubleValue(), 1e-6);
        assertEquals(0.0, data.train().getFeatures().minNumber().doubleValue(), 1e-6);
    }

    @Test
    void aDirectoryWithoutTheFilesIsNamedInTheError(@TempDir Path dir) {
        IOException e = assertThrows(IOException.class, () -> FashionMnist.load(dir));

        assertTrue(e.getMessage().contains(dir + " has no train-images-idx3-ubyte"), e.getMessage());
        assertTrue(e.getMessage().contains("Fashion-MNIST IDX files"), e.getMessage());
    }

    @Test
    void aTruncatedFileIsRejectedWithItsName(@TempDir Path dir) throws Exception {
        byte[] images = gzip(idx(3, 28, 28));
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), Arrays.copyOf(images, images.length / 2));
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), gzip(idx(3)));
        Files.write(dir.resolve("t10k-images-idx3-ubyte.gz"), gzip(idx(1, 28, 28)));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), gzip(idx(1)));

        IOException e = assertThrows(IOException.class, () -> FashionMnist.load(dir));

        assertTrue(e.getMessage().endsWith("train-images-idx3-ubyte.gz: the gzip stream is truncated"), e.getMessage());
    }

    @Test
    void aSliceKeepsTheFirstExamples(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("train-images-idx3-ubyte"), idx(5, 28, 28));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), idx(5));
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), idx(4, 28, 28));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), idx(4));

        Examples slice = FashionMnist.load(dir).head(3, 0);

        assertEquals(3, slice.train().numExamples());
        assertEquals(4, slice.test().numExamples());
    }
}
