package org.bn4j.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bn4j.core.RunningVariance;
import org.bn4j.dl4j.BatchNorm;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each Keras setting becomes the bn4j option the mapping table of docs/keras-import.md gives, or is refused. */
class KerasBatchNormMappingTest {

    private static BatchNorm imported(String name, boolean enforceTrainingConfig) throws Exception {
        return (BatchNorm) KerasImport.importKerasModelAndWeights(new Fixture(name).h5(), enforceTrainingConfig)
                .getLayer("bn").conf().getLayer();
    }

    @ParameterizedTest
    @CsvSource({"bn_rank3_last, NWC", "bn_rank3_first, NCW", "bn_sync, NWC"})
    void sequenceLayoutFollowsTheAxis(String name, RNNFormat format) throws Exception {
        assertEquals(format, imported(name, true).getRnnFormat());
    }

    @ParameterizedTest
    @CsvSource({"bn_rank4_last, NHWC", "bn_rank4_last_negative, NHWC", "bn_rank4_first, NCHW",
            "bn_rank4_first_negative, NCHW"})
    void imageLayoutFollowsTheAxis(String name, CNN2DFormat format) throws Exception {
        assertEquals(format, imported(name, true).getCnn2DFormat());
    }

    @ParameterizedTest
    @CsvSource({"bn_rank5_last, NDHWC", "bn_rank5_first, NCDHW"})
    void volumeLayoutFollowsTheAxis(String name, Convolution3D.DataFormat format) throws Exception {
        assertEquals(format, imported(name, true).getCnn3DFormat());
    }

    @Test
    void momentumIsDecayAndEpsilonIsEps() throws Exception {
        BatchNorm bn = imported("bn_rank4_last", true);
        assertEquals(0.9, bn.getDecay());
        assertEquals(0.001, bn.getEps());
        assertEquals(3, bn.getNOut());
    }

    /**
     * Standalone Keras 2 (no {@code fused} key) and tf.keras' fused kernel (rank 4, fused null, no virtual batches)
     * move the variance towards the unbiased batch variance, tf.keras' other path towards the biased one.
     */
    @ParameterizedTest
    @CsvSource({"bn_rank4_last, UNBIASED", "bn_rank3_last, UNBIASED", "bn_v1, UNBIASED", "bn_sync, BIASED",
            "bn_virtual_batch, BIASED"})
    void movingVarianceEstimatorIsKeras(String name, RunningVariance variance) throws Exception {
        assertEquals(variance, imported(name, true).getRunningVariance());
    }

    @Test
    void notTrainableFreezesStatisticsAndGammaBeta() throws Exception {
        BatchNorm bn = imported("bn_frozen", true);
        assertTrue(bn.isFrozenStatistics());
        assertTrue(bn.isFrozenGammaBeta());
        assertFalse(imported("bn_rank4_last", true).isFrozenStatistics());
    }

    @Test
    void virtualBatchSizeIsGhostBatchSize() throws Exception {
        assertEquals(2, imported("bn_virtual_batch", true).getGhostBatchSize());
    }

    @Test
    void centerAndScaleOffLockGammaOneAndBetaZero() throws Exception {
        BatchNorm bn = imported("bn_no_center_no_scale", true);
        assertTrue(bn.isLockGammaBeta());
        assertEquals(1, bn.getGamma());
        assertEquals(0, bn.getBeta());
    }

    @Test
    void trainingOnlySettingsIgnoredWithoutTheTrainingConfigurationAreListed() throws Exception {
        java.util.Map<String, Object> config = new java.util.HashMap<>();
        config.put("name", "bn");
        config.put("gamma_regularizer", java.util.Map.of("class_name", "L1L2"));
        config.put("beta_constraint", null);
        KerasBatchNormConfig keras = new KerasBatchNormConfig("BatchNormalization", config, false);
        assertEquals(1, keras.ignored.size(), keras.ignored.toString());
        assertTrue(keras.ignored.get(0).startsWith("gamma_regularizer"), keras.ignored.toString());
    }

    @Test
    void modelWithoutKerasVersionIsRefused() {
        String json = "{\"class_name\": \"Sequential\", \"config\": {\"layers\": [{\"class_name\": "
                + "\"BatchNormalization\", \"config\": {\"name\": \"bn\"}}]}}";
        UnsupportedKerasConfigurationException e = assertThrows(UnsupportedKerasConfigurationException.class,
                () -> BatchNormRenaming.rewrite(json, true));
        assertTrue(e.getMessage().contains("keras_version"), e.getMessage());
        String keras2 = json.replace("{\"class_name\": \"Sequential\"",
                "{\"keras_version\": \"2.4.0\", \"class_name\": \"Sequential\"");
        assertThrows(UnsupportedKerasConfigurationException.class,
                () -> BatchNormRenaming.rewrite(keras2.replace("2.4.0", "1.2.2"), true));
    }

    @ParameterizedTest
    @CsvSource({"bn_no_scale, gamma, 1", "bn_no_center, beta, 0"})
    void scaleOrCenterAloneOffKeepsThatParameterConstant(String name, String parameter, double value)
            throws Exception {
        BatchNorm bn = imported(name, true);
        assertFalse(bn.isLockGammaBeta());
        assertEquals(java.util.List.of(new ConstantParameter(parameter, value)), bn.getConstraints());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "bn_unknown_key | configuration key \"synchronized\"",
            "bn_axis_several | axis [1, 3]",
            "bn_axis_spatial | axis 2 of a rank-4 input",
            "bn_axis_batch | axis 0 is the batch axis"})
    void refusedWhateverTheTrainingConfiguration(String name, String reason) {
        for (boolean enforce : new boolean[] {true, false}) {
            UnsupportedKerasConfigurationException e = assertThrows(UnsupportedKerasConfigurationException.class,
                    () -> imported(name, enforce));
            assertTrue(e.getMessage().contains("layer \"bn\"") && e.getMessage().contains(reason), e.getMessage());
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "bn_regularizers | _regularizer",
            "bn_renorm | renorm = true"})
    void trainingOnlySettingsRefusedWhenTheTrainingConfigurationIsEnforced(String name, String reason)
            throws Exception {
        UnsupportedKerasConfigurationException e = assertThrows(UnsupportedKerasConfigurationException.class,
                () -> imported(name, true));
        assertTrue(e.getMessage().contains("layer \"bn\"") && e.getMessage().contains(reason), e.getMessage());
        assertTrue(e.getMessage().contains("enforceTrainingConfig = false"), e.getMessage());
        imported(name, false);
    }
}
