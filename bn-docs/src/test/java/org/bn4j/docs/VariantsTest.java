package org.bn4j.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bn4j.core.NonFinitePolicy;
import org.bn4j.dl4j.BatchNorm;
import org.junit.jupiter.api.Test;

/** The snippets of docs/variants.md and docs/reliability.md: each builds the layer the text says. */
class VariantsTest {
    @Test
    void variantSnippetsBuildTheLayersTheyDescribe() {
        // tag::variants[]
        new BatchNorm.Builder().renorm(3, 5).renormWarmup(5_000, 20_000).decay(0.99).build();  // batch renormalization
        new BatchNorm.Builder().ghostBatchSize(32).build();                                    // ghost batches of 32
        new BatchNorm.Builder().frozenStatistics(true).build();                                // fine-tune gamma/beta only
        new BatchNorm.Builder().frozenStatistics(true).frozenGammaBeta(true).build();          // Keras' trainable=False
        // end::variants[]

        BatchNorm renorm = new BatchNorm.Builder().renorm(3, 5).renormWarmup(5_000, 20_000).decay(0.99).build();
        assertEquals(3, renorm.toCoreConfig().renorm().rMax());
        assertEquals(20_000, renorm.toCoreConfig().renorm().rampSteps());
        assertEquals(32, new BatchNorm.Builder().ghostBatchSize(32).build().toCoreConfig().ghostBatchSize());
        BatchNorm keras = new BatchNorm.Builder().frozenStatistics(true).frozenGammaBeta(true).build();
        assertTrue(keras.isFrozenStatistics() && keras.isFrozenGammaBeta());
    }

    @Test
    void propagateSnippetLetsNonFiniteValuesThrough() {
        BatchNorm layer =
                // tag::propagate[]
                new BatchNorm.Builder().nonFinitePolicy(NonFinitePolicy.PROPAGATE).build()
        // end::propagate[]
        ;

        assertEquals(NonFinitePolicy.PROPAGATE, layer.toCoreConfig().nonFinitePolicy());
    }
}
