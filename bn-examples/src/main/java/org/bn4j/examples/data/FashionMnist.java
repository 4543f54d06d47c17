package org.bn4j.examples.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf 2017, MIT licence): 70,000 real 28x28 grayscale photographs of clothing in
 * 10 classes, 60,000 for training and 10,000 for testing, in MNIST's IDX format and file names. Debian and Ubuntu
 * ship it as {@code dataset-fashion-mnist}, in {@link #DEBIAN_DIR}.
 */
public final class FashionMnist {
    /** Where {@code apt-get install dataset-fashion-mnist} puts the four gzipped IDX files. */
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    static final String NAME = "Fashion-MNIST";

    private FashionMnist() {
    }

    /** @param dir the four IDX files, or null for {@link #DEBIAN_DIR} */
    public static Examples load(Path dir) throws IOException {
        return Mnist.fromDirectory(locate(dir), NAME);
    }

    /** @return the four IDX files: train images, train labels, test images, test labels */
    public static List<Path> files(Path dir) throws IOException {
        return Mnist.files(locate(dir), NAME);
    }

    /** @return {@code dir}, or {@link #DEBIAN_DIR} when null and installed; otherwise fails saying how to get the files */
    public static Path locate(Path dir) throws IOException {
        if (dir != null) {
            return dir;
        }
        if (!Files.isDirectory(DEBIAN_DIR)) {
            throw new IOException("Fashion-MNIST is not in " + DEBIAN_DIR + ": install it with "
                    + "'apt-get install dataset-fashion-mnist' (Debian, Ubuntu), or point --data-dir at its four IDX files");
        }
        return DEBIAN_DIR;
    }
}
