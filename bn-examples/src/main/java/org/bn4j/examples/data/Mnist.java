package org.bn4j.examples.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * MNIST digits, 28x28 grey levels scaled to [0, 1]. Either the 10,000 real digits that ship with bn-examples
 * (the first 8,000 for training, the last 2,000 for testing; see {@code MNIST-NOTICE.txt}), or the full set
 * (60,000 + 10,000) from a directory holding the four standard IDX files, gzipped or not.
 */
public final class Mnist {
    static final String BUNDLED = "/org/bn4j/examples/data/mnist-10k-";
    static final int BUNDLED_TRAIN = 8000;

    private Mnist() {
    }

    /** @return the bundled 10,000 digits */
    public static Examples bundled() throws IOException {
        DataSet all = dataSet(resource("images-idx3-ubyte.gz"), "bundled images", resource("labels-idx1-ubyte.gz"),
                "bundled labels");
        DataSet train = new DataSet(all.getFeatures().get(interval(0, BUNDLED_TRAIN)),
                all.getLabels().get(interval(0, BUNDLED_TRAIN)));
        long n = all.numExamples();
        DataSet test = new DataSet(all.getFeatures().get(interval(BUNDLED_TRAIN, n)),
                all.getLabels().get(interval(BUNDLED_TRAIN, n)));
        return new Examples("MNIST (10,000 real digits shipped with bn4j: 8,000 train, 2,000 test)", train, test, 1, 28,
                28, 10);
    }

    /**
     * @param dir holds {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte}
     *            and {@code t10k-labels-idx1-ubyte}, each possibly with {@code .gz}
     */
    public static Examples fromDirectory(Path dir) throws IOException {
        return fromDirectory(dir, "MNIST");
    }

    /**
     * @param dir  holds the four files named as in {@link #fromDirectory(Path)}: MNIST, or a set in its format
     * @param name the set's name, for reports and error messages
     */
    static Examples fromDirectory(Path dir, String name) throws IOException {
        DataSet train = dataSet(dir, "train-images-idx3-ubyte", "train-labels-idx1-ubyte", name);
        DataSet test = dataSet(dir, "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", name);
        return new Examples(name + " from " + dir, train, test, 1, 28, 28, 10);
    }

    /** @return the four IDX files of {@code dir}, in the order train images, train labels, test images, test labels */
    static List<Path> files(Path dir, String name) throws IOException {
        return List.of(find(dir, "train-images-idx3-ubyte", name), find(dir, "train-labels-idx1-ubyte", name),
                find(dir, "t10k-images-idx3-ubyte", name), find(dir, "t10k-labels-idx1-ubyte", name));
    }

    private static DataSet dataSet(Path dir, String images, String labels, String name) throws IOException {
        Path imageFile = find(dir, images, name);
        Path labelFile = find(dir, labels, name);
        try (InputStream imageIn = Files.newInputStream(imageFile);
                InputStream labelIn = Files.newInputStream(labelFile)) {
            return dataSet(imageIn, imageFile.toString(), labelIn, labelFile.toString());
        }
    }

    /** @return the examples of one IDX image file and its label file */
    public static DataSet dataSet(InputStream images, String imagesName, InputStream labels, String labelsName)
            throws IOException {
        Idx.Tensor x = Idx.read(images, imagesName, 3);
        Idx.Tensor y = Idx.read(labels, labelsName, 1);
        if (x.dims()[1] != 28 || x.dims()[2] != 28) {
            throw new IOException(imagesName + ": MNIST images are 28x28, not " + x.dims()[1] + "x" + x.dims()[2]);
        }
        int n = x.dims()[0];
        if (y.dims()[0] != n) {
            throw new IOException(
                    labelsName + " has " + y.dims()[0] + " labels but " + imagesName + " has " + n + " images");
        }
        float[] pixels = new float[x.values().length];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (x.values()[i] & 0xff) / 255f;
        }
        float[] oneHot = new float[n * 10];
        for (int i = 0; i < n; i++) {
            int label = y.values()[i] & 0xff;
            if (label > 9) {
                throw new IOException(labelsName + ": label " + label + " of example " + i + " is not a digit");
            }
            oneHot[i * 10 + label] = 1;
        }
        INDArray features = Nd4j.create(pixels, new long[] {n, 784}, 'c');
        INDArray targets = Nd4j.create(oneHot, new long[] {n, 10}, 'c');
        return new DataSet(features.castTo(DataType.FLOAT), targets.castTo(DataType.FLOAT));
    }

    private static Path find(Path dir, String name, String set) throws IOException {
        for (String candidate : new String[] {name, name + ".gz", name.replace("-idx", ".idx"),
                name.replace("-idx", ".idx") + ".gz"}) {
            Path file = dir.resolve(candidate);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        throw new IOException(
                dir + " has no " + name + " (or " + name + ".gz): point --data-dir at the four " + set + " IDX files");
    }

    private static InputStream resource(String suffix) throws IOException {
        InputStream in = Mnist.class.getResourceAsStream(BUNDLED + suffix);
        if (in == null) {
            throw new IOException("the bundled MNIST file " + BUNDLED + suffix + " is missing from the classpath");
        }
        return in;
    }

    private static org.nd4j.linalg.indexing.INDArrayIndex[] interval(long from, long to) {
        return new org.nd4j.linalg.indexing.INDArrayIndex[] {org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to),
                org.nd4j.linalg.indexing.NDArrayIndex.all()};
    }
}
