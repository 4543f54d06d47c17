package org.bn4j.examples.data;

import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A labelled image set split into training and test examples. Features are {@code [n, channels * height * width]}
 * floats in [0, 1], channel-major per image (NCHW when reshaped); labels are one-hot {@code [n, classes]}.
 *
 * @param name     what the set is, for reports
 * @param train    training examples
 * @param test     held-out examples
 * @param channels image channels
 * @param height   image height in pixels
 * @param width    image width in pixels
 * @param classes  number of classes
 */
public record Examples(String name, DataSet train, DataSet test, int channels, int height, int width, int classes) {
    /**
     * @return the first {@code trainCount} training and {@code testCount} test examples; a count of 0 keeps them all
     */
    public Examples head(int trainCount, int testCount) {
        if (trainCount < 0 || testCount < 0) {
            throw new IllegalArgumentException(
                    "example counts must not be negative, got " + trainCount + " and " + testCount);
        }
        return new Examples(name, head(train, trainCount), head(test, testCount), channels, height, width, classes);
    }

    private static DataSet head(DataSet set, int count) {
        if (count == 0 || count >= set.numExamples()) {
            return set;
        }
        INDArrayIndex[] rows = {NDArrayIndex.interval(0, count), NDArrayIndex.all()};
        return new DataSet(set.getFeatures().get(rows).dup(), set.getLabels().get(rows).dup());
    }
}
