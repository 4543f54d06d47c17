package org.bn4j.dl4j;

import org.bn4j.core.BatchNormalizer;
import org.bn4j.core.BatchNormConfig;
import org.bn4j.core.ChannelAffine;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;

/**
 * What a BN layer computes in inference, bn4j's {@link BatchNorm} or DL4J's built-in {@link BatchNormalization},
 * as bn-core's per-channel affine map {@code y = scale * x + shift}.
 */
final class InferenceAffine {
    private InferenceAffine() {
    }

    /** @return whether {@code conf} is a BN layer this class reads: bn4j's or DL4J's built-in */
    static boolean isBatchNorm(Layer conf) {
        return conf instanceof BatchNorm || conf instanceof BatchNormalization;
    }

    /** @return the layout in which the BN layer reads rank-4 input: its channel axis */
    static CNN2DFormat imageFormat(Layer bn) {
        CNN2DFormat format = bn instanceof BatchNorm ? ((BatchNorm) bn).getCnn2DFormat()
                : ((BatchNormalization) bn).getCnn2DFormat();
        // bn4j's layer leaves the format unset when neither builder nor input type chose one; it then reads NCHW
        return format == null ? CNN2DFormat.NCHW : format;
    }

    /**
     * @param layer an initialized BN layer of either kind
     * @return its inference transform, from its current parameters (length {@code nOut})
     */
    static ChannelAffine of(org.deeplearning4j.nn.api.Layer layer) {
        Layer conf = layer.conf().getLayer();
        if (conf instanceof BatchNorm) {
            return ((BatchNormLayer) layer).inferenceAffine();
        }
        return ofBuiltIn(layer, (BatchNormalization) conf);
    }

    private static ChannelAffine ofBuiltIn(org.deeplearning4j.nn.api.Layer layer, BatchNormalization conf) {
        BatchNormConfig.Builder core = BatchNormConfig.builder().eps(conf.getEps());
        double[] gamma = null;
        double[] beta = null;
        if (conf.isLockGammaBeta()) {
            BuiltInLockedGammaBeta applied = BuiltInLockedGammaBeta.of(conf);
            core.lockGammaBeta(applied.gamma(), applied.beta());
        } else {
            gamma = NdBuffers.read(layer.getParam(BatchNormalizationParamInitializer.GAMMA));
            beta = NdBuffers.read(layer.getParam(BatchNormalizationParamInitializer.BETA));
        }
        BatchNormConfig config;
        try {
            config = core.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "BatchNormalization layer \"" + conf.getLayerName() + "\": " + e.getMessage(), e);
        }
        return new BatchNormalizer(config).inferenceAffine(gamma, beta, BuiltInStatistics.of(layer));
    }
}
