package org.bn4j.keras;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.modelimport.keras.exceptions.InvalidKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException;
import org.nd4j.shade.jackson.core.type.TypeReference;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites a Keras model configuration so that DL4J's importer hands every batch normalization layer to
 * {@link KerasBatchNorm}: DL4J tries its built-in class names before custom ones, so the Keras class name is
 * replaced by {@link #CLASS_NAME}, registered as a custom layer; the original name and whether the training
 * configuration is enforced travel beside it in the layer's entry.
 */
final class BatchNormRenaming {
    /** A class name no Keras layer has. */
    static final String CLASS_NAME = "org.bn4j.keras.BatchNorm";
    static final Set<String> KERAS_CLASS_NAMES = Set.of("BatchNormalization", "BatchNormalizationV1",
            "SyncBatchNormalization");
    private static final String ORIGINAL_CLASS_NAME = "bn4j_keras_class_name";
    private static final String ENFORCE_TRAINING_CONFIG = "bn4j_enforce_training_config";
    private static final Logger LOG = LoggerFactory.getLogger(BatchNormRenaming.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private BatchNormRenaming() {
    }

    /**
     * @param modelJson the model configuration (with {@code keras_version} and {@code backend}, as DL4J's builder
     *                  leaves it after reading a file)
     * @return the same configuration with the batch normalization layers renamed
     * @throws UnsupportedKerasConfigurationException naming the first batch normalization setting bn4j refuses:
     *         checked here, since DL4J reports a custom layer's exception as a missing constructor
     */
    static String rewrite(String modelJson, boolean enforceTrainingConfig)
            throws InvalidKerasConfigurationException, UnsupportedKerasConfigurationException {
        JsonNode model;
        try {
            model = JSON.readTree(modelJson);
        } catch (IOException e) {
            throw new InvalidKerasConfigurationException("Keras model configuration is not valid JSON: "
                    + e.getMessage(), e);
        }
        JsonNode config = model.get("config");
        // Sequential models before Keras 2.2.3 list their layers as the configuration itself.
        JsonNode layers = config != null && config.isArray() ? config : config == null ? null : config.get("layers");
        if (layers == null || !layers.isArray()) {
            throw new InvalidKerasConfigurationException("Keras model configuration has no list of layers");
        }
        for (JsonNode layer : layers) {
            JsonNode className = layer.get("class_name");
            if (className != null && KERAS_CLASS_NAMES.contains(className.asText())) {
                checkKerasVersion(model, className.asText(), layer);
                KerasBatchNormConfig keras = new KerasBatchNormConfig(className.asText(),
                        JSON.convertValue(layer.get("config"), MAP), enforceTrainingConfig);
                for (String setting : keras.ignored) {
                    LOG.warn("{}: {}; ignored, since the training configuration is not enforced", keras.where(),
                            setting);
                }
                ObjectNode entry = (ObjectNode) layer;
                entry.put(ORIGINAL_CLASS_NAME, className.asText());
                entry.put(ENFORCE_TRAINING_CONFIG, enforceTrainingConfig);
                entry.put("class_name", CLASS_NAME);
            }
        }
        try {
            return JSON.writeValueAsString(model);
        } catch (IOException e) {
            throw new IllegalStateException("re-serializing a parsed JSON tree", e);
        }
    }

    private static void checkKerasVersion(JsonNode model, String className, JsonNode layer)
            throws UnsupportedKerasConfigurationException {
        JsonNode version = model.get("keras_version");
        if (version == null || !version.asText().startsWith("2")) {
            throw new UnsupportedBatchNormException("Keras " + className + " layer " + layer.path("config").path("name")
                    + ": " + (version == null ? "the model configuration gives no keras_version (DL4J then reads it "
                            + "as Keras 1)" : "Keras " + version.asText() + " models are not supported")
                    + "; bn4j's importer "
                    + "reads Keras 2 models");
        }
    }

    static String originalClassName(Map<String, Object> layerConfig) {
        return String.valueOf(layerConfig.get(ORIGINAL_CLASS_NAME));
    }

    static boolean enforcesTrainingConfig(Map<String, Object> layerConfig) {
        return Boolean.TRUE.equals(layerConfig.get(ENFORCE_TRAINING_CONFIG));
    }
}
