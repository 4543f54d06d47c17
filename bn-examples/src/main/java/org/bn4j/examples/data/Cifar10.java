package org.bn4j.examples.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * CIFAR-10 in its binary format: {@code data_batch_1.bin} to {@code data_batch_5.bin} and {@code test_batch.bin},
 * each a run of 3,073-byte records (a label byte, then 1,024 red, 1,024 green and 1,024 blue bytes of a 32x32 image).
 */
public final class Cifar10 {
    static final int RECORD = 1 + 3 * 32 * 32;

    private Cifar10() {
    }

    /** @param dir holds the .bin files, directly or in {@code cifar-10-batches-bin/} */
    public static Examples fromDirectory(Path dir) throws IOException {
        Path base = Files.isDirectory(dir.resolve("cifar-10-batches-bin")) ? dir.resolve("cifar-10-batches-bin") : dir;
        List<Path> trainFiles = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            trainFiles.add(require(base.resolve("data_batch_" + i + ".bin")));
        }
        return new Examples("CIFAR-10 from " + base, read(trainFiles),
                read(List.of(require(base.resolve("test_batch.bin")))),
                3, 32, 32, 10);
    }

    /** @return the records of the given files, in order */
    public static DataSet read(List<Path> files) throws IOException {
        List<byte[]> contents = new ArrayList<>();
        int n = 0;
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length == 0 || bytes.length % RECORD != 0) {
                throw new IOException(file + ": " + bytes.length + " bytes is not a whole number of " + RECORD
                        + "-byte CIFAR-10 records (truncated or not CIFAR-10 binary)");
            }
            contents.add(bytes);
            n += bytes.length / RECORD;
        }
        float[] pixels = new float[n * (RECORD - 1)];
        float[] oneHot = new float[n * 10];
        int example = 0;
        for (int f = 0; f < contents.size(); f++) {
            byte[] bytes = contents.get(f);
            for (int r = 0; r < bytes.length / RECORD; r++, example++) {
                int label = bytes[r * RECORD] & 0xff;
                if (label > 9) {
                    throw new IOException(
                            files.get(f) + ": record " + r + " has label " + label + ", not 0 to 9 (corrupt file)");
                }
                oneHot[example * 10 + label] = 1;
                for (int p = 0; p < RECORD - 1; p++) {
                    pixels[example * (RECORD - 1) + p] = (bytes[r * RECORD + 1 + p] & 0xff) / 255f;
                }
            }
        }
        return new DataSet(Nd4j.create(pixels, new long[] {n, RECORD - 1}, 'c'),
                Nd4j.create(oneHot, new long[] {n, 10}, 'c'));
    }

    private static Path require(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("missing " + file + ": point --data-dir at the CIFAR-10 binary version");
        }
        return file;
    }
}
