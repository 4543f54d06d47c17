package org.bn4j.dl4j;

import org.bn4j.core.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;

/**
 * Which DL4J activations bn-core applies inside its own passes: identity, ReLU ({@code ActivationReLU} without a
 * maximum or threshold, its negative slope in [0, 1)) and leaky ReLU ({@code ActivationLReLU} with alpha in [0, 1)).
 * The layer applies any other through ND4J, after bn-core's plain batch normalization.
 */
final class FusedActivation {
    private FusedActivation() {
    }

    /** @return the bn-core activation that computes {@code fn} exactly, or null if ND4J must apply it */
    static Activation of(IActivation fn) {
        if (fn == null || fn instanceof ActivationIdentity) {
            return Activation.IDENTITY;
        }
        if (fn.getClass() == ActivationReLU.class) {
            ActivationReLU relu = (ActivationReLU) fn;
            boolean plain = relu.getMax() == null && (relu.getThreshold() == null || relu.getThreshold() == 0);
            double slope = relu.getNegativeSlope() == null ? 0 : relu.getNegativeSlope();
            return plain && slope >= 0 && slope < 1 ? Activation.leakyRelu(slope) : null;
        }
        if (fn.getClass() == ActivationLReLU.class) {
            double alpha = ((ActivationLReLU) fn).getAlpha();
            return alpha >= 0 && alpha < 1 ? Activation.leakyRelu(alpha) : null;
        }
        return null;
    }
}
