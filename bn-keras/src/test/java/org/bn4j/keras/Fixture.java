package org.bn4j.keras;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A model written by {@code src/test/python/make_fixtures.py}: {@code <name>.h5}, and the input and numpy's
 * expected output of Keras' inference, {@code <name>.x.npy} and {@code <name>.y.npy}.
 */
record Fixture(String name) {

    String h5() {
        return path(name + ".h5");
    }

    String json() {
        return path(name + ".json");
    }

    String weights() {
        return path(name + ".weights.h5");
    }

    INDArray input() {
        return Nd4j.createFromNpyFile(new File(path(name + ".x.npy"))).castTo(DataType.FLOAT);
    }

    INDArray expected() {
        return Nd4j.createFromNpyFile(new File(path(name + ".y.npy")));
    }

    @Override
    public String toString() {
        return name;
    }

    private static String path(String file) {
        URL url = Fixture.class.getResource("fixtures/" + file);
        if (url == null) {
            throw new IllegalStateException("no fixture " + file + ": run src/test/python/make_fixtures.py");
        }
        try {
            return new File(url.toURI()).getAbsolutePath();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
