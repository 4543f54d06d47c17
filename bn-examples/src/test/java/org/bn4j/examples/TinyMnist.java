package org.bn4j.examples;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** A data set in MNIST's four IDX files, small enough for a run of a few steps: 120 training and 60 test digits of noise. */
final class TinyMnist {
    private TinyMnist() {
    }

    /** Writes the four files into {@code dir}, the same bytes every time. */
    static void write(Path dir) throws IOException {
        Random random = new Random(17);
        for (String set : List.of("train", "t10k")) {
            int n = set.equals("train") ? 120 : 60;
            byte[] pixels = new byte[n * 28 * 28];
            random.nextBytes(pixels);
            byte[] labels = new byte[n];
            for (int i = 0; i < n; i++) {
                labels[i] = (byte) (i % 10);
            }
            writeIdx(dir.resolve(set + "-images-idx3-ubyte"), pixels, n, 28, 28);
            writeIdx(dir.resolve(set + "-labels-idx1-ubyte"), labels, n);
        }
    }

    private static void writeIdx(Path file, byte[] values, int... dims) throws IOException {
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            out.writeInt(0x0800 | dims.length);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(values);
        }
    }
}
