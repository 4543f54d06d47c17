package org.bn4j.keras;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bn4j.dl4j.BatchNorm;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.modelimport.keras.KerasLayer;
import org.deeplearning4j.nn.modelimport.keras.KerasModel;
import org.deeplearning4j.nn.modelimport.keras.KerasModelImport;
import org.deeplearning4j.nn.modelimport.keras.KerasSequentialModel;
import org.deeplearning4j.nn.modelimport.keras.exceptions.InvalidKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.utils.KerasModelBuilder;
import org.deeplearning4j.nn.modelimport.keras.utils.KerasModelUtils;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.node.ObjectNode;

/**
 * Imports Keras 2 models as DL4J's {@link KerasModelImport} does, with the same methods, except that every Keras
 * batch normalization layer ({@code BatchNormalization}, {@code BatchNormalizationV1},
 * {@code SyncBatchNormalization}) becomes bn4j's {@link BatchNorm}: normalized over the axis its {@code axis}
 * names, for ranks 2 to 5 in either data format, with its {@code momentum}, {@code epsilon}, {@code center},
 * {@code scale}, {@code trainable} and {@code virtual_batch_size}. A setting bn4j cannot honour fails the import with
 * its name; settings that only affect training (regularizers, constraints, renorm) fail it only when the training
 * configuration is enforced, as DL4J does for its own unsupported training settings. Every other layer is imported
 * by DL4J's importer, unchanged.
 *
 * <p>{@code enforceTrainingConfig} defaults as in DL4J: true, except for a Sequential model from a JSON file and a
 * weights file.
 */
public final class KerasImport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private KerasImport() {
    }

    // --- one .h5 file (model.save) ---------------------------------------------------------------------------------

    /** @see KerasModelImport#importKerasModelAndWeights(String, boolean) */
    public static ComputationGraph importKerasModelAndWeights(String modelHdf5Filename, boolean enforceTrainingConfig)
            throws IOException, UnsupportedKerasConfigurationException, InvalidKerasConfigurationException {
        return graph(fromModelFile(modelHdf5Filename), enforceTrainingConfig, null);
    }

    /** @see KerasModelImport#importKerasModelAndWeights(String) */
    public static ComputationGraph importKerasModelAndWeights(String modelHdf5Filename)
            throws IOException, UnsupportedKerasConfigurationException, InvalidKerasConfigurationException {
        return importKerasModelAndWeights(modelHdf5Filename, true);
    }

    /** @see KerasModelImport#importKerasModelAndWeights(String, int[], boolean) */
    public static ComputationGraph importKerasModelAndWeights(String modelHdf5Filename, int[] inputShape,
                                                              boolean enforceTrainingConfig)
            throws IOException, UnsupportedKerasConfigurationException, InvalidKerasConfigurationException {
        return graph(fromModelFile(modelHdf5Filename), enforceTrainingConfig, inputShape);
    }

    /** @see KerasModelImport#importKerasSequentialModelAndWeights(String, boolean) */
    public static MultiLayerNetwork importKerasSequentialModelAndWeights(String modelHdf5Filename,
                                                                         boolean enforceTrainingConfig)
            throws IOException, InvalidKerasConfigurationException, UnsupportedKerasConfigurationException {
        return sequential(fromModelFile(modelHdf5Filename), enforceTrainingConfig, null);
    }

    /** @see KerasModelImport#importKerasSequentialModelAndWeights(String) */
    public static MultiLayerNetwork importKerasSequentialModelAndWeights(String modelHdf5Filename)
            throws IOException, InvalidKerasConfigurationException, UnsupportedKerasConfigurationException {
        return importKerasSequentialModelAndWeights(modelHdf5Filename, true);
    }

    /** @see KerasModelImport#importKerasSequentialModelAndWeights(String, int[], boolean) */
    public static MultiLayerNetwork importKerasSequentialModelAndWeights(String modelHdf5Filename, int[] inputShape,
                                                                         boolean enforceTrainingConfig)
            throws IOException, InvalidKerasConfigurationException, UnsupportedKerasConfigurationException {
        return sequential(fromModelFile(modelHdf5Filename), enforceTrainingConfig, inputShape);
    }

    // --- a JSON file (model.to_json) and a weights file (model.save_weights) ---------------------------------------

    /** @see KerasModelImport#importKerasModelAndWeights(String, String, boolean) */
    public static ComputationGraph importKerasModelAndWeights(String modelJsonFilename, String weightsHdf5Filename,
                                                              boolean enforceTrainingConfig)
            throws IOException, InvalidKerasConfigurationException, UnsupportedKerasConfigurationException {
        return graph(builder().modelJsonFilename(modelJsonFilename).weightsHdf5FilenameNoRoot(weightsHdf5Filename),
                enforceTrainingConfig, null);
    }

    /** @see KerasModelImport#importKerasModelAndWeights(String, String) */
    public static ComputationGraph importKerasModelAndWeights(String modelJsonFilename, String weightsHdf5Filename)
            throws IOException, InvalidKerasConfigurationException, UnsupportedKerasConfigurationException {
        return importKerasModelAndWeights(modelJsonFilename, weightsHdf5Filename, true);
    }

    /** @see KerasModelImport#importKerasSequentialModelAndWeights(String, String, boolean) */
    public static MultiLayerNetwork importKerasSequentialModelAndWeights(String modelJsonFilename,
                                                                         String weightsHdf5Filename,
                                                                         boolean enforceTrainingConfig)
            throws IOException, InvalidKerasConfigurationException, UnsupportedKerasConfigurationException {
        return sequential(builder().modelJsonFilename(modelJsonFilename)
                .weightsHdf5FilenameNoRoot(weightsHdf5Filename), enforceTrainingConfig, null);
    }

    /** @see KerasModelImport#importKerasSequentialModelAndWeights(String, String) */
    public static MultiLayerNetwork importKerasSequentialModelAndWeights(String modelJsonFilename,
                                                                         String weightsHdf5Filename)
            throws IOException, InvalidKerasConfigurationException, UnsupportedKerasConfigurationException {
        return importKerasSequentialModelAndWeights(modelJsonFilename, weightsHdf5Filename, false);
    }

    // --- a stream holding one .h5 file -----------------------------------------------------------------------------

    /** @see KerasModelImport#importKerasModelAndWeights(InputStream, boolean) */
    public static ComputationGraph importKerasModelAndWeights(InputStream modelHdf5Stream,
                                                              boolean enforceTrainingConfig)
            throws IOException, UnsupportedKerasConfigurationException, InvalidKerasConfigurationException {
        return fromStream(modelHdf5Stream, path -> importKerasModelAndWeights(path, enforceTrainingConfig));
    }

    /** @see KerasModelImport#importKerasModelAndWeights(InputStream) */
    public static ComputationGraph importKerasModelAndWeights(InputStream modelHdf5Stream)
            throws IOException, UnsupportedKerasConfigurationException, InvalidKerasConfigurationException {
        return importKerasModelAndWeights(modelHdf5Stream, true);
    }

    /** @see KerasModelImport#importKerasSequentialModelAndWeights(InputStream, boolean) */
    public static MultiLayerNetwork importKerasSequentialModelAndWeights(InputStream modelHdf5Stream,
                                                                         boolean enforceTrainingConfig)
            throws IOException, InvalidKerasConfigurationException, UnsupportedKerasConfigurationException {
        return fromStream(modelHdf5Stream, path -> importKerasSequentialModelAndWeights(path, enforceTrainingConfig));
    }

    /** @see KerasModelImport#importKerasSequentialModelAndWeights(InputStream) */
    public static MultiLayerNetwork importKerasSequentialModelAndWeights(InputStream modelHdf5Stream)
            throws IOException, InvalidKerasConfigurationException, UnsupportedKerasConfigurationException {
        return importKerasSequentialModelAndWeights(modelHdf5Stream, true);
    }

    // --- the import ------------------------------------------------------------------------------------------------

    /**
     * As DL4J's {@code KerasModelBuilder.modelHdf5Filename}, except that the root attributes are read by
     * {@link KerasFileAttributes}: DL4J's reader overruns its buffers on the variable-length strings h5py 3 writes.
     */
    private static KerasModelBuilder fromModelFile(String path)
            throws IOException, InvalidKerasConfigurationException {
        if (!new File(path).isFile()) {
            throw new IOException("no file " + path);
        }
        String modelConfig = KerasFileAttributes.read(path, "model_config");
        if (modelConfig == null) {
            throw new InvalidKerasConfigurationException("no model_config attribute in " + path
                    + ": a weights-only file needs the model's JSON too");
        }
        ObjectNode model;
        try {
            model = (ObjectNode) JSON.readTree(modelConfig);
        } catch (IOException | ClassCastException e) {
            throw new InvalidKerasConfigurationException("model_config of " + path + " is not a JSON object", e);
        }
        String kerasVersion = KerasFileAttributes.read(path, "keras_version");
        if (kerasVersion != null) {
            model.put("keras_version", kerasVersion);
        }
        String backend = KerasFileAttributes.read(path, "backend");
        if (backend != null) {
            model.put("backend", backend);
        }
        KerasModelBuilder builder = builder().modelJson(JSON.writeValueAsString(model)).weightsHdf5Filename(path);
        String trainingConfig = KerasFileAttributes.read(path, "training_config");
        return trainingConfig == null ? builder : builder.trainingJson(trainingConfig);
    }

    private static KerasModelBuilder builder() {
        // Idempotent; registered on every import so that KerasLayer.clearCustomLayers() elsewhere cannot break it.
        KerasLayer.registerCustomLayer(BatchNormRenaming.CLASS_NAME, KerasBatchNorm.class);
        return new KerasModel().modelBuilder();
    }

    private static ComputationGraph graph(KerasModelBuilder builder, boolean enforceTrainingConfig, int[] inputShape)
            throws IOException, InvalidKerasConfigurationException, UnsupportedKerasConfigurationException {
        try (builder) {
            KerasModel model = prepare(builder, enforceTrainingConfig, inputShape).buildModel();
            ComputationGraphConfiguration conf = model.getComputationGraphConfiguration();
            List<Layer> layers = new ArrayList<>();
            for (GraphVertex vertex : conf.getVertices().values()) {
                if (vertex instanceof LayerVertex) {
                    layers.add(((LayerVertex) vertex).getLayerConf().getLayer());
                }
            }
            setBatchNormInputTypes(layers, model.getLayers());
            ComputationGraph net = new ComputationGraph(conf);
            net.init();
            return (ComputationGraph) KerasModelUtils.copyWeightsToModel(net, model.getLayers());
        }
    }

    private static MultiLayerNetwork sequential(KerasModelBuilder builder, boolean enforceTrainingConfig,
                                                int[] inputShape)
            throws IOException, InvalidKerasConfigurationException, UnsupportedKerasConfigurationException {
        try (builder) {
            KerasSequentialModel model = prepare(builder, enforceTrainingConfig, inputShape).buildSequential();
            MultiLayerConfiguration conf = model.getMultiLayerConfiguration();
            List<Layer> layers = new ArrayList<>();
            for (NeuralNetConfiguration layerConf : conf.getConfs()) {
                layers.add(layerConf.getLayer());
            }
            setBatchNormInputTypes(layers, model.getLayers());
            MultiLayerNetwork net = new MultiLayerNetwork(conf);
            net.init();
            return (MultiLayerNetwork) KerasModelUtils.copyWeightsToModel(net, model.getLayers());
        }
    }

    private static KerasModelBuilder prepare(KerasModelBuilder builder, boolean enforceTrainingConfig,
                                             int[] inputShape)
            throws InvalidKerasConfigurationException, UnsupportedKerasConfigurationException {
        builder.modelJson(BatchNormRenaming.rewrite(builder.getModelJson(), enforceTrainingConfig))
                .enforceTrainingConfig(enforceTrainingConfig);
        if (inputShape != null) {
            builder.inputShape(inputShape);
        }
        return builder;
    }

    /**
     * DL4J sets each layer's input from its own label of the previous layer's output, which after an {@code Input}
     * assumes channels-last; each BatchNorm takes the input type its Keras axis gives instead (channel count, data
     * format, and the spatial sizes it checks arrays against).
     */
    private static void setBatchNormInputTypes(List<Layer> layers, Map<String, KerasLayer> kerasLayers) {
        for (Layer layer : layers) {
            KerasLayer keras = kerasLayers.get(layer.getLayerName());
            if (layer instanceof BatchNorm && keras instanceof KerasBatchNorm) {
                ((BatchNorm) layer).setNIn(((KerasBatchNorm) keras).inputType(), true);
            }
        }
    }

    /** An import from a file's path. */
    private interface FileImport<T> {
        T from(String path) throws IOException, InvalidKerasConfigurationException,
                UnsupportedKerasConfigurationException;
    }

    /** HDF5 reads files only: the stream goes to a temporary file, deleted afterwards. */
    private static <T> T fromStream(InputStream stream, FileImport<T> fileImport)
            throws IOException, InvalidKerasConfigurationException, UnsupportedKerasConfigurationException {
        Path file = Files.createTempFile("bn4j-keras-import", ".h5");
        try {
            Files.copy(stream, file, StandardCopyOption.REPLACE_EXISTING);
            return fileImport.from(file.toString());
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
