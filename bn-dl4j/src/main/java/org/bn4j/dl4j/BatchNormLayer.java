package org.bn4j.dl4j;

import org.bn4j.core.BatchNormalizer;
import org.bn4j.core.BatchStats;
import org.bn4j.core.ChannelAffine;
import org.bn4j.core.NonFinitePolicy;
import org.bn4j.core.ParamGradients;
import org.bn4j.core.RunningStats;
import org.bn4j.core.Shape;
import org.deeplearning4j.nn.api.TrainingConfig;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.bn4j.dl4j.BatchNormParamInitializer.BETA;
import static org.bn4j.dl4j.BatchNormParamInitializer.GAMMA;
import static org.bn4j.dl4j.BatchNormParamInitializer.MEAN;
import static org.bn4j.dl4j.BatchNormParamInitializer.VAR;

/**
 * The runtime half of {@link BatchNorm}: DL4J glue around bn-core's {@link BatchNormalizer}.
 *
 * <p>Training-mode forward passes normalize with the batch's statistics and remember them for backprop;
 * inference-mode passes use the running statistics and change nothing. Backprop writes the gradients of gamma
 * and beta, and the running-statistic updates ({@code old - new}, applied by a no-op updater), into the network's
 * gradient views. After an inference-mode forward pass (as in {@code FrozenLayerWithBackprop}) backprop gives the
 * gradient of that pass, with the statistics held constant, and leaves the running statistics alone. With
 * {@code frozenStatistics} training-mode passes behave the same way; with {@code frozenGammaBeta} the gradients of
 * gamma and beta are zero (and their updater a no-op).
 *
 * <p>With a mask ({@code [N, T]} for sequences, {@code [N]} or {@code [N, 1]} for [N, C] input), statistics run
 * over the kept positions only, and masked positions get zero output and zero gradient.
 *
 * <p>Every failure names the layer, and happens before anything is written to parameters or gradients. Under
 * {@link NonFinitePolicy#REJECT} (the default) that includes results the network's data type cannot hold: a float
 * network fed values around 1e20 would get a running variance beyond {@link Float#MAX_VALUE}, which is refused
 * with an {@link IllegalArgumentException} rather than stored as an infinity.
 */
public class BatchNormLayer extends BaseLayer<BatchNorm> {
    private static final long serialVersionUID = 1L;

    /** What the last forward pass needs to remember for backprop. */
    private transient LastForward lastForward;

    public BatchNormLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public Type type() {
        return Type.NORMALIZATION;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    /** Running statistics are replaced, not stepped: DL4J must not divide their "gradient" by the minibatch size. */
    @Override
    public boolean updaterDivideByMinibatch(String paramName) {
        return !(MEAN.equals(paramName) || VAR.equals(paramName));
    }

    /** The updater's view hides gradient normalization; see {@link UpdaterView}. */
    @Override
    public TrainingConfig getConfig() {
        return new UpdaterView(layerConf());
    }

    @Override
    public void fit(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        throw new UnsupportedOperationException(where() + ": batch normalization has no layer-wise pretraining");
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        Shape shape = ActivationShape.of(input.shape(), layerConf(), where());
        BatchNormalizer bn = engine();
        double[] gamma = learnedOrNull(GAMMA);
        double[] beta = learnedOrNull(BETA);
        INDArray output = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, input.shape(), 'c');
        boolean batchStatistics = training && !layerConf().isFrozenStatistics();
        try {
            StepMask mask = maskArray == null ? null : StepMask.of(maskArray, shape, where());
            if (mask != null && batchStatistics && bn.config().ghostBatchSize() > 0) {
                throw new IllegalArgumentException("ghost batches (ghostBatchSize " + bn.config().ghostBatchSize()
                        + ") cannot be combined with a mask: the kept steps do not split into whole examples");
            }
            // With a mask, BN runs on the kept positions only, gathered into [K, C] rows.
            Shape normalized = mask == null ? shape : mask.keptShape(shape.channels());
            if (mask != null && mask.keepsNothing()) {
                if (batchStatistics) {
                    throw new IllegalArgumentException("the mask keeps no position, so there are no batch statistics");
                }
                lastForward = new LastForward(shape, normalized, mask, null, runningStats());
                return output.assign(0);
            }
            INDArray x = mask == null ? input : mask.gather(input, shape);
            INDArray y = mask == null ? output : x.ulike();
            LastForward pass;
            double outputBound;
            if (batchStatistics) {
                RunningStats running = bn.config().renorm() == null ? null : runningStats();
                BatchStats stats = precision().forwardTraining(bn, x, normalized, gamma, beta, running, y);
                pass = new LastForward(shape, normalized, mask, stats, null);
                outputBound = bn.trainingOutputBound(stats, gamma, beta);
            } else {
                RunningStats running = runningStats();
                outputBound = precision().forwardInference(bn, x, normalized, gamma, beta, running, y);
                pass = new LastForward(shape, normalized, mask, null, running);
            }
            if (mask != null) {
                mask.scatter(y, shape, output);
            }
            // Scanning the output for overflow is a whole extra pass over memory; bn-core's bound nearly always
            // proves it unnecessary. Half the largest value leaves room for the rounding of the output itself.
            if (rejectsNonFinite() && !(outputBound <= representable().largest() / 2)) {
                representable().requireFinite("the output", output);
            }
            lastForward = pass;
        } catch (IllegalArgumentException e) {
            throw named(e);
        }
        return output;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (lastForward == null) {
            throw new IllegalStateException(where() + ": backprop before any forward pass");
        }
        if (!java.util.Arrays.equals(epsilon.shape(), input.shape())) {
            throw new IllegalArgumentException(where() + ": epsilon has shape " + java.util.Arrays.toString(epsilon.shape())
                    + " but the input had " + java.util.Arrays.toString(input.shape()));
        }
        BatchNormalizer bn = engine();
        double[] gamma = learnedOrNull(GAMMA);
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, input.shape(), 'c');
        ParamGradients grads;
        RunningStats before = runningStats();
        RunningStats after;
        try {
            StepMask mask = lastForward.mask;
            Shape normalized = lastForward.normalized;
            if (mask != null && mask.keepsNothing()) {
                grads = new ParamGradients(new double[normalized.channels()], new double[normalized.channels()], 0);
                after = before;
                dx.assign(0);
            } else {
                INDArray x = mask == null ? input : mask.gather(input, lastForward.shape);
                INDArray dy = mask == null ? epsilon : mask.gather(epsilon, lastForward.shape);
                INDArray dxKept = mask == null ? dx : x.ulike();
                if (lastForward.trained()) {
                    grads = precision().backward(bn, x, dy, normalized, gamma, lastForward.stats, dxKept);
                    after = before.updated(lastForward.stats, bn.config());
                } else {
                    grads = precision().backwardInference(bn, x, dy, normalized, gamma, lastForward.running, dxKept);
                    after = before;
                }
                if (mask != null) {
                    mask.scatter(dxKept, lastForward.shape, dx);
                }
            }
        } catch (IllegalArgumentException e) {
            throw named(e);
        }

        boolean frozenGammaBeta = layerConf().isFrozenGammaBeta();
        double[] dGamma = frozenGammaBeta ? new double[grads.dGamma().length] : grads.dGamma();
        double[] dBeta = frozenGammaBeta ? new double[grads.dBeta().length] : grads.dBeta();
        if (!layerConf().isLockGammaBeta() && !frozenGammaBeta) {
            double minibatch = conf.isMiniBatch() ? input.size(0) : 1;
            GammaBetaGradientNormalization.apply(layerConf().getGradientNormalization(),
                    layerConf().getGradientNormalizationThreshold(), minibatch, dGamma, dBeta);
        }
        // The optimizer applies params -= gradient: a gradient of (old - new) moves the statistics to new.
        double[] dMean = difference(before.mean(), after.mean());
        double[] dVar = difference(before.var(), after.var());
        if (rejectsNonFinite()) {
            try {
                requireStorable(dGamma, dBeta, after, dMean, dVar, grads.inputGradientBound(), dx);
            } catch (IllegalArgumentException e) {
                throw named(e);
            }
        }

        Gradient gradient = new DefaultGradient();
        if (!layerConf().isLockGammaBeta()) {
            gradient.setGradientFor(GAMMA, NdBuffers.write(gradientViews.get(GAMMA), dGamma));
            gradient.setGradientFor(BETA, NdBuffers.write(gradientViews.get(BETA), dBeta));
        }
        gradient.setGradientFor(MEAN, NdBuffers.write(gradientViews.get(MEAN), dMean));
        gradient.setGradientFor(VAR, NdBuffers.write(gradientViews.get(VAR), dVar));
        return new Pair<>(gradient, dx);
    }

    /**
     * Everything backprop hands DL4J must fit the network's data type, or a parameter would become infinite. dx is
     * scanned only when bn-core's bound on it does not prove that it fits (in training it nearly always does).
     */
    private void requireStorable(double[] dGamma, double[] dBeta, RunningStats after, double[] dMean, double[] dVar,
                                 double dxBound, INDArray dx) {
        Representable fits = representable();
        if (!layerConf().isLockGammaBeta()) {
            fits.requireChannels("the gamma gradient", dGamma);
            fits.requireChannels("the beta gradient", dBeta);
        }
        fits.requireChannels("the running mean", after.mean());
        fits.requireChannels("the running variance", after.var());
        fits.requireChannels("the running mean update", dMean);
        fits.requireChannels("the running variance update", dVar);
        // Half the largest value leaves room for the rounding of dx itself.
        if (!(dxBound <= fits.largest() / 2)) {
            fits.requireFinite("the gradient with respect to the input", dx);
        }
    }

    private boolean rejectsNonFinite() {
        return layerConf().getNonFinitePolicy() == NonFinitePolicy.REJECT;
    }

    private Representable representable() {
        return new Representable(dataType);
    }

    /** @return the running statistics stored in the parameters; the network's iteration count is the batch count */
    RunningStats runningStats() {
        try {
            return RunningStats.of(NdBuffers.read(getParam(MEAN)), NdBuffers.read(getParam(VAR)), getIterationCount());
        } catch (IllegalArgumentException e) {
            throw named(e);
        }
    }

    /** @return what this layer computes in inference, as one per-channel affine map (for folding) */
    ChannelAffine inferenceAffine() {
        try {
            return engine().inferenceAffine(learnedOrNull(GAMMA), learnedOrNull(BETA), runningStats());
        } catch (IllegalArgumentException e) {
            throw named(e);
        }
    }

    /** @return the batch statistics of the last training-mode forward pass, or null if it did not compute any */
    BatchStats lastBatchStats() {
        return lastForward == null ? null : lastForward.stats;
    }

    private BatchNormalizer engine() {
        return new BatchNormalizer(layerConf().toCoreConfig());
    }

    private Precision precision() {
        return Precision.of(dataType);
    }

    private double[] learnedOrNull(String key) {
        return layerConf().isLockGammaBeta() ? null : NdBuffers.read(getParam(key));
    }

    private static double[] difference(double[] a, double[] b) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i] - b[i];
        }
        return d;
    }

    String where() {
        return "BatchNorm layer \"" + layerConf().getLayerName() + "\" (index " + getIndex() + ")";
    }

    private IllegalArgumentException named(IllegalArgumentException e) {
        String message = e.getMessage();
        return message != null && message.startsWith("BatchNorm layer") ? e
                : new IllegalArgumentException(where() + ": " + message, e);
    }

    /** Statistics of the last training-mode pass, or the running statistics an inference-mode pass used. */
    private static final class LastForward {
        /** The input's shape. */
        final Shape shape;
        /** What bn-core normalized: the input's shape, or the kept rows under a mask. */
        final Shape normalized;
        /** The mask of the pass, or null. */
        final StepMask mask;
        final BatchStats stats;
        final RunningStats running;

        LastForward(Shape shape, Shape normalized, StepMask mask, BatchStats stats, RunningStats running) {
            this.shape = shape;
            this.normalized = normalized;
            this.mask = mask;
            this.stats = stats;
            this.running = running;
        }

        boolean trained() {
            return stats != null;
        }
    }
}
