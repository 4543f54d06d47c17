package org.bn4j.examples.nets;

import org.bn4j.dl4j.BatchNorm;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.activations.Activation;

/**
 * Which Batch Normalization layer the example networks use: bn4j's, or DL4J's built-in one for comparison; and whether
 * the nonlinearity after it is a layer of its own or applied by bn4j's BN.
 */
public enum BatchNormImpl {
    BN4J {
        @Override
        public Layer layer() {
            return new BatchNorm.Builder().build();
        }
    },
    BUILTIN {
        @Override
        public Layer layer() {
            return new BatchNormalization.Builder().build();
        }
    },
    /** bn4j's layer applying the nonlinearity after it itself, in place of a separate {@code ActivationLayer}. */
    BN4J_FUSED {
        @Override
        public Layer layer() {
            return new BatchNorm.Builder().build();
        }

        @Override
        public Layer layerWith(Activation activation) {
            return new BatchNorm.Builder().activation(activation).build();
        }
    };

    /** @return a BN layer with default options; nIn/nOut come from the input type */
    public abstract Layer layer();

    /**
     * @return a BN layer that applies {@code activation} after normalizing, or null when this implementation leaves
     * it to a separate {@code ActivationLayer}
     */
    public Layer layerWith(Activation activation) {
        return null;
    }
}
