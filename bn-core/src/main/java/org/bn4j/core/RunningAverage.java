package org.bn4j.core;

/** How {@link RunningStats} combine successive batch statistics into population estimates. */
public enum RunningAverage {
    /**
     * Exponential moving average in DL4J's convention: {@code running = decay * running + (1 - decay) * batch},
     * so {@code decay} weights the old value (PyTorch's {@code momentum} is {@code 1 - decay}).
     */
    EXPONENTIAL,
    /**
     * Cumulative average over every batch seen so far, the paper's population estimate (Algorithm 2) and
     * PyTorch's {@code momentum=None}: after k batches, each batch has weight {@code 1/k}.
     */
    CUMULATIVE
}
