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
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.bn4j.dl4j.BatchNormParamInitializer.BETA;
import static org.bn4j.dl4j.BatchNormParamInitializer.GAMMA;
import static org.bn4j.dl4j.BatchNormParamInitializer.MEAN;
import static org.bn4j.dl4j.BatchNormParamInitializer.VAR;

/**
 * The runtime half of {@link BatchNorm}: DL4J glue around bn-core's {@link BatchNormalizer}.
 *
 * <p>Training-mode forward passes normalize with the batch's statistics and remember them for backprop;
 * inference-mode passes use the running statistics and change nothing. Backprop writes the gradients of gamma
 * and beta into the network's gradient views, and the new running statistics straight into the MEAN and VAR
 * parameters (their gradient is zero), so that gradient sharing cannot hold them back. After an inference-mode
 * forward pass (as in {@code FrozenLayerWithBackprop}) backprop gives the gradient of that pass, with the statistics
 * held constant, and leaves the running statistics alone. With
 * {@code frozenStatistics} training-mode passes behave the same way; with {@code frozenGammaBeta} the gradients of
 * gamma and beta are zero (and their updater a no-op).
 *
 * <p>With a mask ({@code [N, T]} for sequences, {@code [N]} or {@code [N, 1]} for [N, C] input), statistics run
 * over the kept positions only, and masked positions get zero output and zero gradient.
 *
 * <p>The configuration's activation ({@link BatchNorm#appliedActivation()}) follows the normalization, forward and
 * backward: inside bn-core's passes for identity, ReLU and leaky ReLU; otherwise through ND4J, which keeps a copy of
 * the normalized values for backprop. Statistics are always those of the layer's input.
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
    /** Whether never-updated running statistics would be a fault; see {@link #requireTrainedStatistics}. */
    private final StatisticsHistory history = new StatisticsHistory();

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

    /** DL4J sets the network's count on every layer, first at the network's {@code init}. */
    @Override
    public void setIterationCount(int iterationCount) {
        super.setIterationCount(iterationCount);
        history.counts(iterationCount, getEpochCount());
    }

    @Override
    public void setEpochCount(int epochCount) {
        super.setEpochCount(epochCount);
        history.counts(getIterationCount(), epochCount);
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
        IActivation separate = separateActivation();
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
                lastForward = new LastForward(shape, normalized, mask, null, runningStats(), null);
                return output.assign(0);
            }
            INDArray x = mask == null ? input : mask.gather(input, shape);
            INDArray y = mask == null ? output : x.ulike();
            LastForward pass;
            double outputBound;
            if (batchStatistics) {
                RunningStats running = bn.config().renorm() == null ? null : runningStats();
                WorkerGroup.Member member = WorkerGroup.current();
                BatchStats stats = member != null
                        ? SyncStep.forward(member, where(), bn.config(), x, normalized, gamma, beta, y)
                        : precision().forwardTraining(bn, x, normalized, gamma, beta, running, y);
                pass = new LastForward(shape, normalized, mask, stats, null, member);
                history.trainingPass();
                outputBound = bn.trainingOutputBound(stats, gamma, beta);
            } else {
                RunningStats running = runningStats();
                if (!training) {
                    requireTrainedStatistics(running);
                }
                outputBound = precision().forwardInference(bn, x, normalized, gamma, beta, running, y);
                pass = new LastForward(shape, normalized, mask, null, running, null);
            }
            if (separate != null) {
                pass = pass.withPreActivation(outsideWorkspaces(y));
                separate.getActivation(y, training);
                outputBound = Double.POSITIVE_INFINITY;   // bn-core's bound is of the normalized values only
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
            throw new IllegalArgumentException(
                    where() + ": epsilon has shape " + java.util.Arrays.toString(epsilon.shape())
                            + " but the input had " + java.util.Arrays.toString(input.shape()));
        }
        BatchNormalizer bn = engine();
        double[] gamma = learnedOrNull(GAMMA);
        // only a fused activation's gradient depends on beta: not reading it spares a device-to-host copy on a GPU
        double[] beta = bn.config().activation().isIdentity() ? null : learnedOrNull(BETA);
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
                if (lastForward.preActivation != null) {
                    // the gradient with respect to the normalized values, through the activation ND4J applied
                    dy = separateActivation().backprop(lastForward.preActivation.dup(), dy.dup()).getFirst();
                }
                INDArray dxKept = mask == null ? dx : x.ulike();
                if (lastForward.trained()) {
                    grads = lastForward.member != null
                            ? SyncStep.backward(lastForward.member, where(), bn.config(), x, dy, normalized, gamma,
                                    beta, lastForward.stats, dxKept)
                            : precision().backward(bn, x, dy, normalized, gamma, beta, lastForward.stats, dxKept);
                    after = before.updated(lastForward.stats, bn.config());
                } else {
                    history.backpropOfInferencePass();
                    grads = precision().backwardInference(bn, x, dy, normalized, gamma, beta, lastForward.running,
                            dxKept);
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
        if (rejectsNonFinite()) {
            try {
                requireStorable(dGamma, dBeta, after, grads.inputGradientBound(), dx);
            } catch (IllegalArgumentException e) {
                throw named(e);
            }
        }

        Gradient gradient = new DefaultGradient();
        if (!layerConf().isLockGammaBeta()) {
            gradient.setGradientFor(GAMMA, NdBuffers.write(gradientViews.get(GAMMA), dGamma));
            gradient.setGradientFor(BETA, NdBuffers.write(gradientViews.get(BETA), dBeta));
        }
        storeRunningStats(after, gradient);
        return new Pair<>(gradient, dx);
    }

    // --- running statistics: written in place, never sent as a gradient ---

    /**
     * Refuses inference with running statistics that were never updated (mean exactly 0 and variance exactly 1 in
     * every channel) in a network that has been trained since this layer joined it. That is what Spark's
     * {@code SharedTrainingMaster} leaves on the driver: its workers update their own copies of the statistics, and
     * the driver's network changes only through the encoded gradient, which does not carry them. Layers that keep
     * their statistics by design pass: {@code frozenStatistics}, and those {@link StatisticsHistory} recognizes.
     */
    private void requireTrainedStatistics(RunningStats running) {
        boolean shouldBeUpdated = history.inferencePass(getIterationCount(), getEpochCount());
        if (layerConf().isFrozenStatistics() || !shouldBeUpdated) {
            return;
        }
        double[] mean = running.mean();
        double[] var = running.var();
        for (int ch = 0; ch < mean.length; ch++) {
            if (mean[ch] != 0 || var[ch] != 1) {
                return;
            }
        }
        throw new IllegalStateException(where() + ": the network has been trained (iteration " + getIterationCount()
                + ", epoch " + getEpochCount() + ") but its running statistics were never updated (mean 0, variance 1 "
                + "in every channel), as with Spark's SharedTrainingMaster, whose driver never sees the workers' "
                + "statistics. Recompute them from training data first: PreciseStatistics.builder().build()"
                + ".recompute(net, data), or on the Spark cluster with bn-spark's SparkPreciseStatistics.builder()"
                + ".build().recompute(sparkNet, trainingData)");
    }

    /**
     * Writes the new running statistics into the MEAN and VAR parameters and hands DL4J a zero "gradient" for them
     * (their updater is a no-op). Written in place rather than sent as a gradient, because gradient sharing
     * (ParallelWrapper {@code SHARED_GRADIENTS}, Spark {@code SharedTrainingMaster}) threshold-encodes gradients and
     * would lose most of each update; parameter averaging averages them as parameters. Called last in backprop, after
     * every check, so a step this layer refuses changes nothing.
     */
    private void storeRunningStats(RunningStats after, Gradient gradient) {
        NdBuffers.write(getParam(MEAN), after.mean());
        NdBuffers.write(getParam(VAR), after.var());
        double[] zero = new double[after.channels()];
        gradient.setGradientFor(MEAN, NdBuffers.write(gradientViews.get(MEAN), zero));
        gradient.setGradientFor(VAR, NdBuffers.write(gradientViews.get(VAR), zero));
    }

    /**
     * Everything backprop hands DL4J must fit the network's data type, or a parameter would become infinite. dx is
     * scanned only when bn-core's bound on it does not prove that it fits (in training it nearly always does).
     */
    private void requireStorable(double[] dGamma, double[] dBeta, RunningStats after, double dxBound, INDArray dx) {
        Representable fits = representable();
        if (!layerConf().isLockGammaBeta()) {
            fits.requireChannels("the gamma gradient", dGamma);
            fits.requireChannels("the beta gradient", dBeta);
        }
        fits.requireChannels("the running mean", after.mean());
        fits.requireChannels("the running variance", after.var());
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

    /** @return the activation ND4J applies after bn-core's normalization; null when bn-core applies it (fused) */
    private IActivation separateActivation() {
        IActivation fn = layerConf().appliedActivation();
        return FusedActivation.of(fn) == null ? fn : null;
    }

    /** @return a copy of {@code a} that outlives the forward pass's workspaces, for backprop */
    private static INDArray outsideWorkspaces(INDArray a) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return a.dup('c');
        }
    }

    private Precision precision() {
        return Precision.of(dataType);
    }

    private double[] learnedOrNull(String key) {
        return layerConf().isLockGammaBeta() ? null : NdBuffers.read(getParam(key));
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
        /** The worker whose group the statistics were synchronized with ({@link SyncBatchNorm}), or null. */
        final WorkerGroup.Member member;
        /** The normalized values (kept rows under a mask) before an activation that ND4J applied; null otherwise. */
        final INDArray preActivation;

        LastForward(Shape shape, Shape normalized, StepMask mask, BatchStats stats, RunningStats running,
                    WorkerGroup.Member member) {
            this(shape, normalized, mask, stats, running, member, null);
        }

        private LastForward(Shape shape, Shape normalized, StepMask mask, BatchStats stats, RunningStats running,
                            WorkerGroup.Member member, INDArray preActivation) {
            this.shape = shape;
            this.normalized = normalized;
            this.mask = mask;
            this.stats = stats;
            this.running = running;
            this.member = member;
            this.preActivation = preActivation;
        }

        LastForward withPreActivation(INDArray values) {
            return new LastForward(shape, normalized, mask, stats, running, member, values);
        }

        boolean trained() {
            return stats != null;
        }
    }
}
