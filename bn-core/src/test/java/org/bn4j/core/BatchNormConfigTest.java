package org.bn4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BatchNormConfigTest {
    @Test
    void defaultsMatchDl4jsBuiltInLayer() {
        BatchNormConfig config = BatchNormConfig.defaults();
        assertEquals(1e-5, config.eps());
        assertEquals(0.9, config.decay());
        assertEquals(RunningAverage.EXPONENTIAL, config.runningAverage());
        assertEquals(RunningVariance.BIASED, config.runningVariance());
        assertEquals(NonFinitePolicy.REJECT, config.nonFinitePolicy());
        assertFalse(config.isGammaBetaLocked());
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, -1e-5, Double.NaN, Double.POSITIVE_INFINITY})
    void epsMustBePositiveAndFinite(double eps) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BatchNormConfig.builder().eps(eps).build());
        assertTrue(e.getMessage().startsWith("eps must be finite and > 0, got " + eps), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.1, 1.0, 1.5, Double.NaN})
    void decayMustLieInTheHalfOpenUnitInterval(double decay) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BatchNormConfig.builder().decay(decay).build());
        assertTrue(e.getMessage().startsWith("decay must be in [0, 1), got " + decay), e.getMessage());
    }

    @Test
    void decayZeroKeepsOnlyTheLatestBatch() {
        assertEquals(0.0, BatchNormConfig.builder().decay(0).build().decay());
    }

    @Test
    void lockedGammaAndBetaMustBeFinite() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BatchNormConfig.builder().lockGammaBeta(Double.NaN, 0).build());
        assertTrue(e.getMessage().contains("locked gamma and beta must be finite"), e.getMessage());
    }

    @Test
    void toBuilderReproducesEveryOption() {
        BatchNormConfig config = BatchNormConfig.builder().eps(1e-3).decay(0.99)
                .runningAverage(RunningAverage.CUMULATIVE).runningVariance(RunningVariance.UNBIASED)
                .nonFinitePolicy(NonFinitePolicy.PROPAGATE).lockGammaBeta(2, 3).build();
        assertEquals(config, config.toBuilder().build());
    }
}
