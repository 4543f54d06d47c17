package org.bn4j.core;

/** Which estimate of each batch's variance {@link RunningStats} accumulate. Normalization always uses the biased one. */
public enum RunningVariance {
    /** {@code sum((x - mean)^2) / m}: what DL4J's built-in layer keeps. */
    BIASED,
    /** {@code sum((x - mean)^2) / (m - 1)}: the paper's Algorithm 2 and PyTorch. */
    UNBIASED
}
