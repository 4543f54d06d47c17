package org.bn4j.examples.nets;

import org.bn4j.dl4j.BatchNorm;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Layer;

/** Which Batch Normalization layer the example networks use: bn4j's, or DL4J's built-in one for comparison. */
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
    };

    /** @return a BN layer with default options; nIn/nOut come from the input type */
    public abstract Layer layer();
}
