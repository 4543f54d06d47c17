package org.bn4j.keras;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.bn4j.dl4j.BatchNorm;
import org.bn4j.dl4j.BatchNormParamInitializer;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.modelimport.keras.KerasLayer;
import org.deeplearning4j.nn.modelimport.keras.exceptions.InvalidKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.utils.KerasLayerUtils;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A Keras batch normalization layer imported as bn4j's {@link BatchNorm}. DL4J's importer creates it, through
 * {@link KerasLayer#registerCustomLayer}, for the layers {@link BatchNormRenaming} renamed; not for direct use.
 *
 * <p>The data format comes from Keras' {@code axis} and the input's rank, known only when DL4J passes the input
 * type ({@link #getOutputType}); until then the layer is a placeholder {@link BatchNorm}.
 */
public class KerasBatchNorm extends KerasLayer {
    private static final String MOVING_MEAN = "moving_mean";
    private static final String MOVING_VARIANCE = "moving_variance";

    private final KerasBatchNormConfig keras;
    private ChannelAxis input;

    /**
     * @param layerConfig the layer's entry in the model configuration, as {@link BatchNormRenaming} left it
     * @throws UnsupportedKerasConfigurationException naming the key or value bn4j cannot honour
     */
    public KerasBatchNorm(Map<String, Object> layerConfig)
            throws InvalidKerasConfigurationException, UnsupportedKerasConfigurationException {
        super(layerConfig, BatchNormRenaming.enforcesTrainingConfig(layerConfig));
        String kerasClassName = BatchNormRenaming.originalClassName(layerConfig);
        this.keras = new KerasBatchNormConfig(kerasClassName, KerasLayerUtils.getInnerLayerConfigFromConfig(
                layerConfig, conf), BatchNormRenaming.enforcesTrainingConfig(layerConfig));
        this.layer = new BatchNorm.Builder().name(layerName).build();
    }

    /**
     * Resolves the channel axis against the input and builds the layer. The output type is the input type as DL4J
     * labelled it, as for DL4J's own BN: the following layers read the array as they would after DL4J's import
     * (after a channels-first BN, a Keras {@code Flatten} still flattens the array in its stored order).
     */
    @Override
    public InputType getOutputType(InputType... inputType) throws UnsupportedKerasConfigurationException {
        if (inputType.length != 1 || inputType[0] == null) {
            throw new UnsupportedBatchNormException(keras.where() + " takes one input, got "
                    + inputType.length);
        }
        input = ChannelAxis.resolve(layerName, keras.axis, inputType[0]);
        this.layer = toBatchNorm(input);
        return inputType[0];
    }

    private BatchNorm toBatchNorm(ChannelAxis input) {
        InputType type = input.inputType();
        int rank = type.getShape(true).length;
        BatchNorm.Builder b = new BatchNorm.Builder().name(layerName).nIn(input.channels()).nOut(input.channels())
                .eps(keras.epsilon).decay(keras.momentum).unbiasedVariance(keras.unbiasedMovingVariance(rank));
        switch (type.getType()) {
            case RNN:
                b.rnnDataFormat(((InputType.InputTypeRecurrent) type).getFormat());
                break;
            case CNN:
                b.dataFormat(((InputType.InputTypeConvolutional) type).getFormat());
                break;
            case CNN3D:
                b.cnn3DDataFormat(((InputType.InputTypeConvolutional3D) type).getDataFormat());
                break;
            default:
                break;
        }
        if (!keras.center && !keras.scale) {
            b.lockGammaBeta(true).gamma(1).beta(0);
        } else if (!keras.scale && keras.trainable) {
            b.constrainAllParameters(new ConstantParameter(BatchNormParamInitializer.GAMMA, 1));
        } else if (!keras.center && keras.trainable) {
            b.constrainAllParameters(new ConstantParameter(BatchNormParamInitializer.BETA, 0));
        }
        if (!keras.trainable) {
            // tf.keras 2: a BN that is not trainable runs in inference mode, and its gamma and beta do not learn.
            b.frozenStatistics(true).frozenGammaBeta(keras.center || keras.scale);
        } else if (keras.virtualBatchSize > 0) {
            b.ghostBatchSize(keras.virtualBatchSize);
        }
        return b.build();
    }

    /**
     * The input type in the data format Keras' axis gives; DL4J's own label may be another format's (after an
     * {@code Input}, DL4J assumes channels-last). Null before {@link #getOutputType}.
     */
    InputType inputType() {
        return input == null ? null : input.inputType();
    }

    @Override
    public int getNumParams() {
        return (keras.scale ? 1 : 0) + (keras.center ? 1 : 0) + 2;
    }

    /**
     * Keras' {@code gamma}, {@code beta}, {@code moving_mean}, {@code moving_variance} become bn4j's {@code gamma},
     * {@code beta}, {@code mean}, {@code var}; a missing gamma (scale=False) is 1, a missing beta (center=False) 0.
     */
    @Override
    public void setWeights(Map<String, INDArray> weights) throws InvalidKerasConfigurationException {
        Map<String, INDArray> expected = new HashMap<>();
        TreeSet<String> unexpected = new TreeSet<>(weights.keySet());
        String[] names = {"gamma", "beta", MOVING_MEAN, MOVING_VARIANCE};
        boolean[] stored = {keras.scale, keras.center, true, true};
        for (int i = 0; i < names.length; i++) {
            INDArray value = weights.get(names[i]);
            if (stored[i] && value == null) {
                throw new InvalidKerasConfigurationException(keras.where() + ": no weight \"" + names[i]
                        + "\" among the stored " + weights.keySet());
            }
            unexpected.remove(names[i]);
            expected.put(names[i], value);
        }
        // renorm's own statistics: renorm is refused unless the training configuration is not enforced.
        unexpected.remove("renorm_mean");
        unexpected.remove("renorm_stddev");
        if (!unexpected.isEmpty()) {
            throw new InvalidKerasConfigurationException(keras.where() + ": unexpected weights " + unexpected);
        }
        long channels = input.channels();
        for (Map.Entry<String, INDArray> e : expected.entrySet()) {
            if (e.getValue() != null && e.getValue().length() != channels) {
                throw new InvalidKerasConfigurationException(keras.where() + ": weight \"" + e.getKey() + "\" has "
                        + e.getValue().length() + " values, but axis " + keras.axis + " of its input has " + channels
                        + " channels");
            }
        }
        this.weights = new HashMap<>();
        if (keras.center || keras.scale) {
            this.weights.put(BatchNormParamInitializer.GAMMA, keras.scale ? expected.get("gamma")
                    : Nd4j.onesLike(expected.get(MOVING_MEAN)));
            this.weights.put(BatchNormParamInitializer.BETA, keras.center ? expected.get("beta")
                    : Nd4j.zerosLike(expected.get(MOVING_MEAN)));
        }
        this.weights.put(BatchNormParamInitializer.MEAN, expected.get(MOVING_MEAN));
        this.weights.put(BatchNormParamInitializer.VAR, expected.get(MOVING_VARIANCE));
    }
}
