package org.bn4j.dl4j;

import org.bn4j.core.RunningStats;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;

/** The running statistics of DL4J's built-in {@link BatchNormalization} layer, in either of its stored forms. */
final class BuiltInStatistics {
    private BuiltInStatistics() {
    }

    /**
     * @param layer an initialized built-in BN layer
     * @return its running mean, and the variance it normalizes with in inference (before adding eps): the stored
     *         {@code var}, or {@code (10^log10stdev)^2} under {@code useLogStd}
     */
    static RunningStats of(Layer layer) {
        double[] mean = NdBuffers.read(layer.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN));
        double[] var;
        if (((BatchNormalization) layer.conf().getLayer()).isUseLogStd()) {
            var = NdBuffers.read(layer.getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD));
            for (int ch = 0; ch < var.length; ch++) {
                var[ch] = Math.pow(10.0, 2 * var[ch]);
            }
        } else {
            var = NdBuffers.read(layer.getParam(BatchNormalizationParamInitializer.GLOBAL_VAR));
        }
        return RunningStats.of(mean, var, 0);
    }
}
