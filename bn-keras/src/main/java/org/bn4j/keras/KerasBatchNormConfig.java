package org.bn4j.keras;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.modelimport.keras.exceptions.InvalidKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException;

/**
 * A Keras 2 batch normalization layer's {@code config}, every key accounted for: mapped to a bn4j option, irrelevant
 * to the math, a training-only setting bn4j cannot honour (refused when the training configuration is enforced,
 * otherwise dropped with a warning), or refused by name. Missing keys take Keras' defaults.
 */
final class KerasBatchNormConfig {

    /** Keys that do not change what the layer computes once its weights are loaded. */
    private static final Set<String> IRRELEVANT = Set.of("name", "dtype", "batch_input_shape", "input_shape",
            "batch_size", "beta_initializer", "gamma_initializer", "moving_mean_initializer",
            "moving_variance_initializer");
    /** Training-only keys bn4j has no equivalent for; null is their "off". */
    private static final Set<String> TRAINING_ONLY = Set.of("gamma_regularizer", "beta_regularizer",
            "gamma_constraint", "beta_constraint", "adjustment");
    /** Keys read below. */
    private static final Set<String> MAPPED = Set.of("axis", "momentum", "epsilon", "center", "scale", "trainable",
            "virtual_batch_size", "fused", "renorm", "renorm_clipping", "renorm_momentum");

    /** Training-only settings dropped because the training configuration is not enforced, each with why. */
    final List<String> ignored = new ArrayList<>();
    final String className;
    final String layerName;
    final int axis;
    final double momentum;
    final double epsilon;
    final boolean center;
    final boolean scale;
    final boolean trainable;
    /** 0: none */
    final int virtualBatchSize;
    /** Keras' {@code fused}: absent (standalone Keras, which has no such key), null (tf.keras chooses), or a choice */
    private final boolean fusedKeyPresent;
    private final Boolean fused;

    KerasBatchNormConfig(String className, Map<String, Object> config, boolean enforceTrainingConfig)
            throws InvalidKerasConfigurationException, UnsupportedKerasConfigurationException {
        this.className = className;
        this.layerName = String.valueOf(config.get("name"));
        for (String key : config.keySet()) {
            if (!IRRELEVANT.contains(key) && !TRAINING_ONLY.contains(key) && !MAPPED.contains(key)) {
                throw new UnsupportedBatchNormException(where() + ": configuration key \"" + key
                        + "\" (value " + config.get(key) + ") is not one bn4j's importer knows; refusing rather than "
                        + "ignoring it");
            }
        }
        for (String key : TRAINING_ONLY) {
            if (config.get(key) != null) {
                trainingOnly(enforceTrainingConfig, key + " = " + config.get(key)
                        + ": bn4j's BatchNorm has no equivalent");
            }
        }
        if (Boolean.TRUE.equals(config.get("renorm"))) {
            trainingOnly(enforceTrainingConfig, "renorm = true: Keras corrects towards separate renorm statistics "
                    + "(renorm_mean, renorm_stddev, moved by renorm_momentum) with rmin free of rmax, bn4j towards "
                    + "the moving statistics with rmin = 1/rmax; inference is plain BN either way");
        }
        this.axis = axisOf(config.getOrDefault("axis", -1));
        this.momentum = number(config, "momentum", 0.99);
        this.epsilon = number(config, "epsilon", 1e-3);
        this.center = flag(config, "center");
        this.scale = flag(config, "scale");
        this.trainable = flag(config, "trainable");
        Object virtual = config.get("virtual_batch_size");
        this.virtualBatchSize = virtual == null ? 0 : integer("virtual_batch_size", virtual);
        this.fusedKeyPresent = config.containsKey("fused");
        Object fusedValue = config.get("fused");
        if (fusedValue != null && !(fusedValue instanceof Boolean)) {
            throw new InvalidKerasConfigurationException(where() + ": fused = " + fusedValue + " is not a boolean");
        }
        this.fused = (Boolean) fusedValue;
    }

    /**
     * Keras moves the variance towards the unbiased batch variance {@code m/(m-1)} when its fused kernel runs, and
     * standalone Keras 2 always does (its configuration has no {@code fused} key); tf.keras' other path uses the
     * biased one. tf.keras chooses the fused kernel for rank-4 input when {@code fused} is null, with no virtual
     * batches.
     */
    boolean unbiasedMovingVariance(int rank) {
        if (!fusedKeyPresent) {
            return true;
        }
        if (fused != null) {
            return fused;
        }
        return rank == 4 && virtualBatchSize == 0;
    }

    String where() {
        return "Keras " + className + " layer \"" + layerName + "\"";
    }

    private void trainingOnly(boolean enforceTrainingConfig, String what)
            throws UnsupportedKerasConfigurationException {
        if (enforceTrainingConfig) {
            throw new UnsupportedBatchNormException(where() + ": " + what
                    + ". Import with enforceTrainingConfig = false to use the model for inference, where it makes no "
                    + "difference");
        }
        ignored.add(what);
    }

    private int axisOf(Object value) throws UnsupportedKerasConfigurationException, InvalidKerasConfigurationException {
        if (value instanceof List) {
            List<?> axes = (List<?>) value;
            if (axes.size() != 1) {
                throw new UnsupportedBatchNormException(where() + ": axis " + axes + " names " + axes.size()
                        + " axes; bn4j normalizes over one channel axis");
            }
            return integer("axis", axes.get(0));
        }
        return integer("axis", value);
    }

    private int integer(String key, Object value) throws InvalidKerasConfigurationException {
        if (!(value instanceof Integer)) {
            throw new InvalidKerasConfigurationException(where() + ": " + key + " = " + value + " is not an integer");
        }
        return (Integer) value;
    }

    private double number(Map<String, Object> config, String key, double kerasDefault)
            throws InvalidKerasConfigurationException {
        Object value = config.getOrDefault(key, kerasDefault);
        if (!(value instanceof Number)) {
            throw new InvalidKerasConfigurationException(where() + ": " + key + " = " + value + " is not a number");
        }
        return ((Number) value).doubleValue();
    }

    private boolean flag(Map<String, Object> config, String key) throws InvalidKerasConfigurationException {
        Object value = config.getOrDefault(key, true);
        if (!(value instanceof Boolean)) {
            throw new InvalidKerasConfigurationException(where() + ": " + key + " = " + value + " is not a boolean");
        }
        return (Boolean) value;
    }
}
