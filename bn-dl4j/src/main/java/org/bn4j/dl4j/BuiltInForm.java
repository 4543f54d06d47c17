package org.bn4j.dl4j;

import org.bn4j.core.RunningAverage;
import org.bn4j.core.RunningVariance;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A bn4j {@link BatchNorm} as DL4J's built-in {@link BatchNormalization}: whether the built-in can compute what it
 * computes, in inference and in training, and the built-in configuration and parameters that do. The built-in
 * stores the running variance as {@code log10} of the standard deviation ({@code useLogStd}, its default).
 */
final class BuiltInForm {
    private BuiltInForm() {
    }

    /** @return why DL4J's layer cannot stand in for {@code bn}, or null if it can */
    static String whyNot(BatchNorm bn) {
        if (bn.getRnnFormat() != null) {
            return "it normalizes sequences, which DL4J's layer cannot";
        }
        if (bn.getCnn3DFormat() != null) {
            return "it normalizes 3-D convolution volumes, which DL4J's layer cannot";
        }
        IActivation activation = bn.appliedActivation();
        if (activation != null && !(activation instanceof ActivationIdentity)) {
            return "it applies activation " + activation + ", which DL4J's layer ignores";
        }
        if (bn.isRenorm()) {
            return "it uses batch renormalization in training, which DL4J's layer has not";
        }
        if (bn.getGhostBatchSize() > 0) {
            return "it uses ghost batches (ghostBatchSize " + bn.getGhostBatchSize() + ") in training, which DL4J's "
                    + "layer has not";
        }
        if (bn.isFrozenStatistics() || bn.isFrozenGammaBeta()) {
            return "it has frozen " + (bn.isFrozenStatistics() ? "statistics" : "gamma and beta")
                    + ", which DL4J's layer has not (wrap DL4J's layer in FrozenLayer instead)";
        }
        if (bn.getRunningAverage() != RunningAverage.EXPONENTIAL
                || bn.getRunningVariance() != RunningVariance.BIASED) {
            return "it keeps a " + bn.getRunningAverage() + " average of the " + bn.getRunningVariance()
                    + " variance; DL4J's layer keeps an EXPONENTIAL average of the BIASED variance";
        }
        if (bn.isLockGammaBeta() && !appliedAsLocked(bn.getGamma(), bn.getBeta())) {
            return "it locks gamma " + bn.getGamma() + " and beta " + bn.getBeta() + ", which DL4J 1.0.0-M2.1's layer "
                    + "ignores unless both differ from 1 and 0";
        }
        return null;
    }

    /** The locked values the built-in applies: both away from (1, 0), or both at it (where nothing is applied). */
    private static boolean appliedAsLocked(double gamma, double beta) {
        return BuiltInLockedGammaBeta.applied(gamma, beta).equals(new BuiltInLockedGammaBeta(gamma, beta));
    }

    /** @return the built-in layer for {@code bn}, which {@link #whyNot} accepted: the same options otherwise */
    static BatchNormalization of(BatchNorm bn) {
        BatchNormalization layer = new BatchNormalization.Builder()
                .eps(bn.getEps()).decay(bn.getDecay()).useLogStd(true)
                .lockGammaBeta(bn.isLockGammaBeta()).gamma(bn.getGamma()).beta(bn.getBeta())
                .dataFormat(bn.getCnn2DFormat() == null ? CNN2DFormat.NCHW : bn.getCnn2DFormat())
                .build();
        return BatchNormSwap.copyLayerOptions(bn, layer);
    }

    /**
     * Copies gamma, beta and the running statistics of a bn4j layer into the built-in layer made by {@link #of}:
     * the variance {@code v} as {@code log10(sqrt(v))}.
     */
    static void copyParams(Layer from, Layer to) {
        if (!((BatchNorm) from.conf().getLayer()).isLockGammaBeta()) {
            assign(to.getParam(BatchNormalizationParamInitializer.GAMMA),
                    NdBuffers.read(from.getParam(BatchNormParamInitializer.GAMMA)));
            assign(to.getParam(BatchNormalizationParamInitializer.BETA),
                    NdBuffers.read(from.getParam(BatchNormParamInitializer.BETA)));
        }
        assign(to.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN),
                NdBuffers.read(from.getParam(BatchNormParamInitializer.MEAN)));
        double[] logStd = NdBuffers.read(from.getParam(BatchNormParamInitializer.VAR));
        for (int ch = 0; ch < logStd.length; ch++) {
            logStd[ch] = 0.5 * Math.log10(logStd[ch]);
        }
        assign(to.getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD), logStd);
    }

    static void assign(INDArray param, double[] values) {
        param.assign(Nd4j.createFromArray(values).reshape(param.shape()).castTo(param.dataType()));
    }
}
