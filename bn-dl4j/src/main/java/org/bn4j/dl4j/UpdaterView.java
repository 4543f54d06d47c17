package org.bn4j.dl4j;

import java.util.List;
import org.deeplearning4j.nn.api.TrainingConfig;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * What DL4J's updater sees of a {@link BatchNorm} configuration: everything, except that it reports no gradient
 * normalization, so that the updater's {@code preApply} never clips or rescales the running-statistic updates.
 * {@link BatchNormLayer} applies the configured mode to gamma and beta itself.
 */
final class UpdaterView implements TrainingConfig {
    private final BatchNorm config;

    UpdaterView(BatchNorm config) {
        this.config = config;
    }

    @Override
    public String getLayerName() {
        return config.getLayerName();
    }

    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        return config.getRegularizationByParam(paramName);
    }

    @Override
    public boolean isPretrainParam(String paramName) {
        return config.isPretrainParam(paramName);
    }

    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        return config.getUpdaterByParam(paramName);
    }

    @Override
    public GradientNormalization getGradientNormalization() {
        return GradientNormalization.None;
    }

    @Override
    public double getGradientNormalizationThreshold() {
        return config.getGradientNormalizationThreshold();
    }

    @Override
    public void setDataType(DataType dataType) {
        config.setDataType(dataType);
    }
}
