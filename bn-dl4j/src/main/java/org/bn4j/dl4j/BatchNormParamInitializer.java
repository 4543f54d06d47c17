package org.bn4j.dl4j;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Lays out {@link BatchNorm}'s parameters in the network's flattened array, each a rank-1 view of length
 * {@code nOut}, in this order: {@value #GAMMA}, {@value #BETA} (absent when gamma and beta are locked),
 * {@value #MEAN}, {@value #VAR}. Initial values: gamma and beta from the configuration (1 and 0 by default),
 * mean 0, variance 1. The order matters: DL4J's updater, {@code setParams} and gradient checks walk the
 * parameter table in insertion order.
 */
public final class BatchNormParamInitializer implements ParamInitializer {
    public static final String GAMMA = "gamma";
    public static final String BETA = "beta";
    public static final String MEAN = "mean";
    public static final String VAR = "var";

    private static final BatchNormParamInitializer INSTANCE = new BatchNormParamInitializer();

    private BatchNormParamInitializer() {
    }

    public static BatchNormParamInitializer getInstance() {
        return INSTANCE;
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        return paramKeys(layer).size() * config(layer).getNOut();
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return config(layer).isLockGammaBeta() ? List.of(MEAN, VAR) : List.of(GAMMA, BETA, MEAN, VAR);
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return Collections.emptyList();
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return Collections.emptyList();
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return false;
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return false;
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        BatchNorm layer = config(conf.getLayer());
        Map<String, INDArray> params = views(layer, paramsView);
        if (initializeParams) {
            params.forEach((key, view) -> view.assign(initialValue(layer, key)));
        }
        params.keySet().forEach(conf::addVariable);
        return params;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views(config(conf.getLayer()), gradientView);
    }

    private Map<String, INDArray> views(BatchNorm layer, INDArray flat) {
        long nOut = layer.getNOut();
        List<String> keys = paramKeys(layer);
        if (flat.length() != keys.size() * nOut) {
            throw new IllegalArgumentException("BatchNorm layer \"" + layer.getLayerName() + "\" needs "
                    + keys.size() * nOut + " parameters (" + keys + " x nOut " + nOut + ") but the view has "
                    + flat.length());
        }
        INDArray vector = flat.reshape(flat.length());
        Map<String, INDArray> views = Collections.synchronizedMap(new LinkedHashMap<>());
        for (int i = 0; i < keys.size(); i++) {
            views.put(keys.get(i), vector.get(NDArrayIndex.interval(i * nOut, (i + 1) * nOut)));
        }
        return views;
    }

    private static double initialValue(BatchNorm layer, String key) {
        switch (key) {
            case GAMMA:
                return layer.getGamma();
            case BETA:
                return layer.getBeta();
            case MEAN:
                return 0.0;
            case VAR:
                return 1.0;
            default:
                throw new IllegalStateException("unknown parameter " + key);
        }
    }

    private static BatchNorm config(Layer layer) {
        if (!(layer instanceof BatchNorm)) {
            throw new IllegalArgumentException("BatchNormParamInitializer serves org.bn4j.dl4j.BatchNorm, not "
                    + (layer == null ? "null" : layer.getClass().getName()));
        }
        return (BatchNorm) layer;
    }
}
