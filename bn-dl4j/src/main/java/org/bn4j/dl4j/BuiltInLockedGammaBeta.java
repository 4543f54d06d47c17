package org.bn4j.dl4j;

import org.deeplearning4j.nn.conf.layers.BatchNormalization;

/**
 * The locked gamma and beta that DL4J's built-in layer actually applies. DL4J 1.0.0-M2.1 applies them only when
 * gamma != 1 AND beta != 0 (its preOutput tests "&amp;&amp;" where "||" was meant); otherwise it outputs the bare
 * normalized value, as if gamma were 1 and beta 0. Swapping and folding reproduce what the layer computed.
 */
record BuiltInLockedGammaBeta(double gamma, double beta) {
    /** @param layer a built-in layer with {@code lockGammaBeta} set */
    static BuiltInLockedGammaBeta of(BatchNormalization layer) {
        return applied(layer.getGamma(), layer.getBeta());
    }

    /** @return what the built-in applies when configured with locked {@code gamma} and {@code beta} */
    static BuiltInLockedGammaBeta applied(double gamma, double beta) {
        boolean applied = gamma != 1.0 && beta != 0.0;
        return applied ? new BuiltInLockedGammaBeta(gamma, beta) : new BuiltInLockedGammaBeta(1, 0);
    }
}
