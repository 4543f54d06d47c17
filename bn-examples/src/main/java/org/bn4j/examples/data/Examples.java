package org.bn4j.examples.data;

import org.nd4j.linalg.dataset.DataSet;

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
}
