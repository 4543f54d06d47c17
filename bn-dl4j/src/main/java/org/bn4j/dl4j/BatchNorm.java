package org.bn4j.dl4j;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.bn4j.core.Activation;
import org.bn4j.core.BatchNormConfig;
import org.bn4j.core.BatchRenorm;
import org.bn4j.core.NonFinitePolicy;
import org.bn4j.core.RunningAverage;
import org.bn4j.core.RunningVariance;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.shade.jackson.annotation.JsonAnySetter;
import org.nd4j.shade.jackson.annotation.JsonProperty;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * Batch normalization as a DL4J layer configuration: a drop-in for DL4J's
 * {@link org.deeplearning4j.nn.conf.layers.BatchNormalization} that also takes sequences ({@code [N, C, T]} or
 * {@code [N, T, C]}) and volumes (NCDHW or NDHWC), honours recurrent masks, and keeps its running statistics
 * out of gradient normalization and regularization. The math is bn-core's {@link org.bn4j.core.BatchNormalizer}.
 *
 * <pre>
 * new BatchNorm.Builder().build()                      // nIn/nOut inferred from the previous layer
 * new BatchNorm.Builder().decay(0.99).eps(1e-3).build()
 * new BatchNorm.Builder().lockGammaBeta(true).gamma(1).beta(0).build()
 * new BatchNorm.Builder().renorm(3, 5).renormWarmup(5000, 20000).decay(0.99).build()   // batch renormalization
 * new BatchNorm.Builder().ghostBatchSize(32).build()                                   // ghost batches
 * new BatchNorm.Builder().frozenStatistics(true).build()          // fine-tuning: running statistics in training too
 * new BatchNorm.Builder().activation(Activation.RELU).build()     // BN then ReLU, fused into the same passes
 * </pre>
 *
 * <p>Parameters, in this order in the flattened view: {@code gamma}, {@code beta} (absent when locked),
 * {@code mean}, {@code var}, each of length {@code nOut}. The running statistics are written in place by the layer
 * (zero gradient, no-op updater), so that gradient sharing cannot hold them back, and parameter averaging averages
 * them as parameters. See {@link SyncBatchNorm} for statistics synchronized across ParallelWrapper's workers.
 *
 * <p>Defaults: eps {@value BatchNormConfig#DEFAULT_EPS}, decay {@value BatchNormConfig#DEFAULT_DECAY} (weight of
 * the old running value), exponential running average of the biased variance, non-finite inputs rejected.
 * Data formats: one set on the builder wins; otherwise the input type's, when the network is built with
 * {@code setInputType}; otherwise NCHW images, NCW sequences, NCDHW volumes.
 */
public class BatchNorm extends FeedForwardLayer {
    private static final long serialVersionUID = 1L;
    private static final BatchNormConfig CORE_DEFAULTS = BatchNormConfig.defaults();

    // --- options -----------------------------------------------------------------------------------------------
    // Each option is a field here, with its default (bn-core's where bn-core has the option), a builder method, a
    // getter, and a line in toCoreConfig() if bn-core needs it. equals, hashCode, toString, copying from the builder
    // and the JSON form follow from the field (OptionFields, @JsonProperty); BatchNormOptionsTest checks all of them.

    @JsonProperty
    private double eps = CORE_DEFAULTS.eps();
    @JsonProperty
    private double decay = CORE_DEFAULTS.decay();
    @JsonProperty
    private boolean lockGammaBeta = CORE_DEFAULTS.isGammaBetaLocked();
    @JsonProperty
    private double gamma = CORE_DEFAULTS.lockedGamma();
    @JsonProperty
    private double beta = CORE_DEFAULTS.lockedBeta();
    @JsonProperty
    private RunningAverage runningAverage = CORE_DEFAULTS.runningAverage();
    @JsonProperty
    private RunningVariance runningVariance = CORE_DEFAULTS.runningVariance();
    @JsonProperty
    private NonFinitePolicy nonFinitePolicy = CORE_DEFAULTS.nonFinitePolicy();
    // null: not chosen, so taken from the input type, else the default (NCHW, NCW, NCDHW)
    @JsonProperty
    private CNN2DFormat cnn2DFormat;
    @JsonProperty
    private RNNFormat rnnFormat;
    @JsonProperty
    private Convolution3D.DataFormat cnn3DFormat;
    @JsonProperty
    private boolean renorm = CORE_DEFAULTS.renorm() != null;
    @JsonProperty
    private double renormRMax = 1;   // the bounds of plain batch normalization
    @JsonProperty
    private double renormDMax = 0;
    @JsonProperty
    private long renormWarmupSteps;
    @JsonProperty
    private long renormRampSteps;
    @JsonProperty
    private int ghostBatchSize = CORE_DEFAULTS.ghostBatchSize();
    @JsonProperty
    private boolean frozenStatistics;
    @JsonProperty
    private boolean frozenGammaBeta;

    // --- recorded from the input type by setNIn, not options ---
    // Image or volume sizes the input type promised, spatial axes in NCHW/NCDHW order ([H, W] or [D, H, W]); null
    // when unknown (no input type, other input kinds, or a configuration saved before bn4j recorded them).
    @JsonProperty
    private long[] inputTypeSpatial;
    // True for configurations built since bn4j applies the layer's activation; configurations saved before hold
    // whatever activation the network's default gave them (sigmoid), which they never applied: they still do not.
    @JsonProperty
    private boolean activationApplied = true;

    private static final OptionFields OPTIONS = new OptionFields(BatchNorm.class);
    private static final BatchNorm DEFAULT_OPTIONS = new BatchNorm((Void) null);

    /** For JSON deserialization: every option at its default; the activation applied only if the JSON says so. */
    public BatchNorm() {
        this(new Builder());
        activationApplied = false;
    }

    /**
     * Without an activation of its own the layer has identity: the network's default activation (DL4J's is sigmoid)
     * does not reach it, as DL4J's built-in layer never applied one.
     */
    private BatchNorm(Builder builder) {
        super(builder);
        OPTIONS.copy(builder.options, this);
        initializeConstraints(builder);
        if (getActivationFn() == null) {
            setActivationFn(new ActivationIdentity());
        }
    }

    /** Every option at its default, nothing else set: a builder's option holder. */
    private BatchNorm(Void optionsOnly) {
        super();
    }

    /**
     * @return the bn-core configuration these options describe
     * @throws IllegalArgumentException naming the first invalid option (eps, decay, locked gamma/beta, renorm bounds,
     *                                  ghost batch size, or a combination that cannot work)
     */
    public BatchNormConfig toCoreConfig() {
        try {
            if (frozenStatistics && (renorm || ghostBatchSize > 0)) {
                throw new IllegalArgumentException(
                        "frozenStatistics normalizes with the running statistics in training, "
                                + "so " + (renorm ? "renorm" : "ghostBatchSize") + " would have no effect; choose one");
            }
            if (lockGammaBeta && frozenGammaBeta) {
                throw new IllegalArgumentException("lockGammaBeta already fixes gamma and beta to constants; "
                        + "frozenGammaBeta keeps learned ones: choose one");
            }
            Activation fused = FusedActivation.of(appliedActivation());
            BatchNormConfig.Builder b = BatchNormConfig.builder().eps(eps).decay(decay).runningAverage(runningAverage)
                    .runningVariance(runningVariance).nonFinitePolicy(nonFinitePolicy).ghostBatchSize(ghostBatchSize)
                    .activation(fused == null ? Activation.IDENTITY : fused);
            if (lockGammaBeta) {
                b.lockGammaBeta(gamma, beta);
            }
            if (renorm) {
                b.renorm(BatchRenorm.of(renormRMax, renormDMax).withWarmup(renormWarmupSteps, renormRampSteps));
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("BatchNorm layer \"" + getLayerName() + "\": " + e.getMessage(), e);
        }
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> trainingListeners, int layerIndex,
                                                       INDArray layerParamsView, boolean initializeParams,
                                                       DataType networkDataType) {
        toCoreConfig();
        if (getNOut() <= 0) {
            throw new IllegalStateException("BatchNorm layer \"" + getLayerName() + "\" (index " + layerIndex
                    + ") has no nOut: set it, or build the network with setInputType(...) so that it is inferred");
        }
        BatchNormLayer layer = new BatchNormLayer(conf, networkDataType);
        layer.setListeners(trainingListeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> params = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(params);
        layer.setConf(conf);
        return layer;
    }

    @Override
    public ParamInitializer initializer() {
        return BatchNormParamInitializer.getInstance();
    }

    /**
     * Batch normalization keeps the shape: the output type is the input type, in the data format this layer reads
     * (which differs from the input type's only when one was set on the builder, as after a {@code Convolution3D} in
     * {@code Truncate} mode, whose output type DL4J 1.0.0-M2.1 labels NDHWC whatever its format).
     */
    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        if (inputType == null) {
            throw new IllegalStateException("BatchNorm layer \"" + getLayerName() + "\" (index " + layerIndex
                    + ") got no input type");
        }
        switch (inputType.getType()) {
            case CNN:
                InputType.InputTypeConvolutional cnn = (InputType.InputTypeConvolutional) inputType;
                return cnn2DFormat == null || cnn2DFormat == cnn.getFormat() ? inputType
                        : InputType.convolutional(cnn.getHeight(), cnn.getWidth(), cnn.getChannels(), cnn2DFormat);
            case CNN3D:
                InputType.InputTypeConvolutional3D cnn3d = (InputType.InputTypeConvolutional3D) inputType;
                return cnn3DFormat == null || cnn3DFormat == cnn3d.getDataFormat() ? inputType
                        : InputType.convolutional3D(cnn3DFormat, cnn3d.getDepth(), cnn3d.getHeight(), cnn3d.getWidth(),
                                cnn3d.getChannels());
            case FF:
            case CNNFlat:
            case RNN:
                return inputType;
            default:
                throw new IllegalStateException("BatchNorm layer \"" + getLayerName() + "\" (index " + layerIndex
                        + ") takes feed-forward, recurrent, convolutional or 3D convolutional input, not " + inputType);
        }
    }

    /** Takes the channel count from the input type, and its data format unless one was chosen on the builder. */
    @Override
    public void setNIn(InputType inputType, boolean override) {
        long channels;
        switch (inputType.getType()) {
            case FF:
                channels = ((InputType.InputTypeFeedForward) inputType).getSize();
                break;
            case CNN:
                InputType.InputTypeConvolutional cnn = (InputType.InputTypeConvolutional) inputType;
                channels = cnn.getChannels();
                cnn2DFormat = cnn2DFormat != null ? cnn2DFormat : cnn.getFormat();
                inputTypeSpatial = knownSizes(cnn.getHeight(), cnn.getWidth());
                break;
            case CNNFlat:
                InputType.InputTypeConvolutionalFlat flat = (InputType.InputTypeConvolutionalFlat) inputType;
                channels = flat.getDepth();
                inputTypeSpatial = knownSizes(flat.getHeight(), flat.getWidth());
                break;
            case CNN3D:
                InputType.InputTypeConvolutional3D cnn3d = (InputType.InputTypeConvolutional3D) inputType;
                channels = cnn3d.getChannels();
                cnn3DFormat = cnn3DFormat != null ? cnn3DFormat : cnn3d.getDataFormat();
                inputTypeSpatial = knownSizes(cnn3d.getDepth(), cnn3d.getHeight(), cnn3d.getWidth());
                break;
            case RNN:
                InputType.InputTypeRecurrent rnn = (InputType.InputTypeRecurrent) inputType;
                channels = rnn.getSize();
                rnnFormat = rnnFormat != null ? rnnFormat : rnn.getFormat();
                break;
            default:
                throw new IllegalStateException("BatchNorm layer \"" + getLayerName()
                        + "\" takes feed-forward, recurrent, convolutional or 3D convolutional input, not "
                        + inputType);
        }
        if (nIn <= 0 || override) {
            nIn = channels;
            nOut = channels;
        }
    }

    private static long[] knownSizes(long... sizes) {
        for (long size : sizes) {
            if (size <= 0) {
                return null;
            }
        }
        return sizes;
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        if (inputType != null && inputType.getType() == InputType.Type.CNNFlat) {
            InputType.InputTypeConvolutionalFlat flat = (InputType.InputTypeConvolutionalFlat) inputType;
            return new FeedForwardToCnnPreProcessor(flat.getHeight(), flat.getWidth(), flat.getDepth());
        }
        return null;
    }

    /** None of BN's parameters are regularized, as in DL4J's built-in layer; running statistics never are. */
    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        return null;
    }

    /**
     * Gamma and beta use the configured updater (a no-op when frozen); the running statistics a no-op, since the layer
     * writes them itself and hands DL4J a zero gradient for them.
     */
    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        switch (paramName) {
            case BatchNormParamInitializer.GAMMA:
            case BatchNormParamInitializer.BETA:
                // Frozen: zero gradients alone would not do, momentum-based updaters keep moving the values.
                return frozenGammaBeta ? new NoOp() : getIUpdater();
            case BatchNormParamInitializer.MEAN:
            case BatchNormParamInitializer.VAR:
                return new NoOp();
            default:
                throw new IllegalArgumentException("BatchNorm layer \"" + getLayerName() + "\" has no parameter \""
                        + paramName + "\"");
        }
    }

    @Override
    public boolean isPretrainParam(String paramName) {
        return false;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType outputType = getOutputType(-1, inputType);
        long numParams = initializer().numParams(this);
        long updaterState = 0;
        for (String key : BatchNormParamInitializer.getInstance().paramKeys(this)) {
            updaterState += getUpdaterByParam(key).stateSize(nOut);
        }
        // Per-channel statistics and coefficients. bn-core works in the input's own memory; one input-sized ND4J
        // temporary is needed when the input is not row-major contiguous in the network's type, or a mask
        // gathers the kept steps: report that worst case.
        long perChannel = 8 * nOut;
        long perExample = inputType.arrayElementsPerExample();
        return new LayerMemoryReport.Builder(layerName, BatchNorm.class, inputType, outputType)
                .standardMemory(numParams, updaterState)
                .workingMemory(perChannel, perExample, perChannel, perExample)
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
                .build();
    }

    // --- getters ---

    public double getEps() {
        return eps;
    }

    public double getDecay() {
        return decay;
    }

    public boolean isLockGammaBeta() {
        return lockGammaBeta;
    }

    public double getGamma() {
        return gamma;
    }

    public double getBeta() {
        return beta;
    }

    public RunningAverage getRunningAverage() {
        return runningAverage;
    }

    public RunningVariance getRunningVariance() {
        return runningVariance;
    }

    public NonFinitePolicy getNonFinitePolicy() {
        return nonFinitePolicy;
    }

    public CNN2DFormat getCnn2DFormat() {
        return cnn2DFormat;
    }

    public RNNFormat getRnnFormat() {
        return rnnFormat;
    }

    public Convolution3D.DataFormat getCnn3DFormat() {
        return cnn3DFormat;
    }

    public boolean isRenorm() {
        return renorm;
    }

    public double getRenormRMax() {
        return renormRMax;
    }

    public double getRenormDMax() {
        return renormDMax;
    }

    public long getRenormWarmupSteps() {
        return renormWarmupSteps;
    }

    public long getRenormRampSteps() {
        return renormRampSteps;
    }

    public int getGhostBatchSize() {
        return ghostBatchSize;
    }

    public boolean isFrozenStatistics() {
        return frozenStatistics;
    }

    public boolean isFrozenGammaBeta() {
        return frozenGammaBeta;
    }

    /**
     * @return the activation this layer applies after normalizing: the one set on the builder, identity when none
     *         was (or for a configuration saved before bn4j applied activations, which ignored theirs). Identity, ReLU
     *         and leaky ReLU run inside bn-core's passes; ND4J applies any other.
     */
    public IActivation appliedActivation() {
        IActivation fn = getActivationFn();
        return !activationApplied || fn == null ? new ActivationIdentity() : fn;
    }

    /** @return false for a configuration saved before bn4j applied activations: it ignores its activation */
    boolean isActivationApplied() {
        return activationApplied;
    }

    /**
     * @return the image or volume sizes the network's input type promised, spatial axes only, in NCHW/NCDHW order
     *         ({@code [H, W]} or {@code [D, H, W]}); null when unknown. Recorded when the network is built with
     *         {@code setInputType}; the layer refuses an array that has these sizes in the other data format's order.
     */
    public long[] getInputTypeSpatial() {
        return inputTypeSpatial == null ? null : inputTypeSpatial.clone();
    }

    /**
     * DL4J's JSON reader ignores unknown fields; a misspelt BN option (say {@code "epsilon"}) would silently keep
     * its default, so this layer refuses it.
     */
    @JsonAnySetter
    public void setUnknownField(String name, Object value) {
        // Jackson may meet this field before the layer's name, so the name is given only when it is known.
        String layer = getLayerName() == null ? "BatchNorm layer" : "BatchNorm layer \"" + getLayerName() + "\"";
        throw new IllegalArgumentException(layer + ": unknown field \"" + name + "\" (value " + value
                + ") in its configuration");
    }

    @Override
    public BatchNorm clone() {
        return (BatchNorm) super.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof BatchNorm && super.equals(o) && OPTIONS.equal(this, o);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + OPTIONS.hash(this);
    }

    /** @return the name, nIn, nOut and every option that differs from its default */
    @Override
    public String toString() {
        return "BatchNorm(name=" + getLayerName() + ", nIn=" + nIn + ", nOut=" + nOut
                + OPTIONS.describeChanges(this, DEFAULT_OPTIONS) + ")";
    }

    /** Builds a {@link BatchNorm}; every option has the default the class documentation gives. */
    public static class Builder extends FeedForwardLayer.Builder<Builder> {
        private final BatchNorm options = new BatchNorm((Void) null);

        /** @param eps added to the variance before the square root, &gt; 0; default {@value BatchNormConfig#DEFAULT_EPS} */
        public Builder eps(double eps) {
            options.eps = eps;
            return this;
        }

        /** @param decay weight of the old running value, in [0, 1); default {@value BatchNormConfig#DEFAULT_DECAY} */
        public Builder decay(double decay) {
            options.decay = decay;
            return this;
        }

        /** @param lock true to keep gamma and beta fixed at {@link #gamma(double)} and {@link #beta(double)} */
        public Builder lockGammaBeta(boolean lock) {
            options.lockGammaBeta = lock;
            return this;
        }

        /** @param gamma the initial gamma, or the fixed one when locked; default 1 */
        public Builder gamma(double gamma) {
            options.gamma = gamma;
            return this;
        }

        /** @param beta the initial beta, or the fixed one when locked; default 0 */
        public Builder beta(double beta) {
            options.beta = beta;
            return this;
        }

        /** @param cumulative true for the paper's population average over all batches (PyTorch's momentum=None) */
        public Builder cumulativeAverage(boolean cumulative) {
            options.runningAverage = cumulative ? RunningAverage.CUMULATIVE : RunningAverage.EXPONENTIAL;
            return this;
        }

        /** @param unbiased true to keep the unbiased batch variance m/(m-1) in the running statistics (paper, PyTorch) */
        public Builder unbiasedVariance(boolean unbiased) {
            options.runningVariance = unbiased ? RunningVariance.UNBIASED : RunningVariance.BIASED;
            return this;
        }

        /** @param policy what NaN or infinite inputs and gradients do; default {@link NonFinitePolicy#REJECT} */
        public Builder nonFinitePolicy(NonFinitePolicy policy) {
            options.nonFinitePolicy = policy;
            return this;
        }

        /** @param format the layout of image input; default: the input type's, else NCHW */
        public Builder dataFormat(CNN2DFormat format) {
            options.cnn2DFormat = format;
            return this;
        }

        /** @param format the layout of sequence input; default: the input type's, else NCW */
        public Builder rnnDataFormat(RNNFormat format) {
            options.rnnFormat = format;
            return this;
        }

        /**
         * @param format the layout of volume input; default: the input type's, else NCDHW. Set it after a
         *               {@code Convolution3D} in {@code Truncate} mode: DL4J 1.0.0-M2.1 reports that layer's output as
         *               NDHWC whatever its data format. This layer's output type then carries this format.
         */
        public Builder cnn3DDataFormat(Convolution3D.DataFormat format) {
            options.cnn3DFormat = format;
            return this;
        }

        /**
         * Batch renormalization (Ioffe 2017): training corrects the batch statistics towards the running ones by r and
         * d, clipped to {@code [1/rMax, rMax]} and {@code [-dMax, dMax]}. See {@link BatchRenorm}. Off by default.
         *
         * @param rMax &gt;= 1 (the paper: 3)
         * @param dMax &gt;= 0 (the paper: 5)
         */
        public Builder renorm(double rMax, double dMax) {
            options.renorm = true;
            options.renormRMax = rMax;
            options.renormDMax = dMax;
            return this;
        }

        /**
         * @param warmupSteps iterations at plain BN (rMax 1, dMax 0) before the bounds relax (the paper: 5,000)
         * @param rampSteps   iterations over which they grow linearly to {@link #renorm(double, double)}'s bounds
         */
        public Builder renormWarmup(long warmupSteps, long rampSteps) {
            options.renormWarmupSteps = warmupSteps;
            options.renormRampSteps = rampSteps;
            return this;
        }

        /**
         * @param examples examples per ghost batch: training normalizes each run of this many consecutive examples with
         *                 its own statistics; it must divide every training minibatch. 0 (default): off.
         *                 Not available with masks.
         */
        public Builder ghostBatchSize(int examples) {
            options.ghostBatchSize = examples;
            return this;
        }

        /**
         * @param frozen true to normalize with the running statistics in training too, and never update them
         *               (Keras' {@code trainable=False} for BN, for fine-tuning); gamma and beta still learn unless
         *               {@link #frozenGammaBeta(boolean)}. Default false.
         */
        public Builder frozenStatistics(boolean frozen) {
            options.frozenStatistics = frozen;
            return this;
        }

        /**
         * @param frozen true to keep gamma and beta at their current (initial or loaded) values: zero gradients and a
         *               no-op updater for them. Unlike {@link #lockGammaBeta(boolean)} they stay parameters. Default false.
         */
        public Builder frozenGammaBeta(boolean frozen) {
            options.frozenGammaBeta = frozen;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the first invalid option
         */
        @Override
        @SuppressWarnings("unchecked")
        public BatchNorm build() {
            BatchNorm layer = new BatchNorm(this);
            layer.toCoreConfig();
            return layer;
        }
    }
}
