package org.bn4j.dl4j;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.shade.jackson.annotation.JsonAnySetter;
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

    private double eps;
    private double decay;
    private boolean lockGammaBeta;
    private double gamma;
    private double beta;
    private RunningAverage runningAverage;
    private RunningVariance runningVariance;
    private NonFinitePolicy nonFinitePolicy;
    private CNN2DFormat cnn2DFormat;
    private RNNFormat rnnFormat;
    private Convolution3D.DataFormat cnn3DFormat;
    private boolean renorm;
    private double renormRMax;
    private double renormDMax;
    private long renormWarmupSteps;
    private long renormRampSteps;
    private int ghostBatchSize;
    private boolean frozenStatistics;
    private boolean frozenGammaBeta;

    /** For JSON deserialization: every option at its default. */
    public BatchNorm() {
        this(new Builder());
    }

    private BatchNorm(Builder builder) {
        super(builder);
        this.eps = builder.eps;
        this.decay = builder.decay;
        this.lockGammaBeta = builder.lockGammaBeta;
        this.gamma = builder.gamma;
        this.beta = builder.beta;
        this.runningAverage = builder.runningAverage;
        this.runningVariance = builder.runningVariance;
        this.nonFinitePolicy = builder.nonFinitePolicy;
        this.cnn2DFormat = builder.cnn2DFormat;
        this.rnnFormat = builder.rnnFormat;
        this.cnn3DFormat = builder.cnn3DFormat;
        this.renorm = builder.renorm;
        this.renormRMax = builder.renormRMax;
        this.renormDMax = builder.renormDMax;
        this.renormWarmupSteps = builder.renormWarmupSteps;
        this.renormRampSteps = builder.renormRampSteps;
        this.ghostBatchSize = builder.ghostBatchSize;
        this.frozenStatistics = builder.frozenStatistics;
        this.frozenGammaBeta = builder.frozenGammaBeta;
        initializeConstraints(builder);
    }

    /**
     * @return the bn-core configuration these options describe
     * @throws IllegalArgumentException naming the first invalid option (eps, decay, locked gamma/beta, renorm bounds,
     *                                  ghost batch size, or a combination that cannot work)
     */
    public BatchNormConfig toCoreConfig() {
        try {
            if (frozenStatistics && (renorm || ghostBatchSize > 0)) {
                throw new IllegalArgumentException("frozenStatistics normalizes with the running statistics in training, "
                        + "so " + (renorm ? "renorm" : "ghostBatchSize") + " would have no effect; choose one");
            }
            if (lockGammaBeta && frozenGammaBeta) {
                throw new IllegalArgumentException("lockGammaBeta already fixes gamma and beta to constants; "
                        + "frozenGammaBeta keeps learned ones: choose one");
            }
            BatchNormConfig.Builder b = BatchNormConfig.builder().eps(eps).decay(decay).runningAverage(runningAverage)
                    .runningVariance(runningVariance).nonFinitePolicy(nonFinitePolicy).ghostBatchSize(ghostBatchSize);
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

    /** Batch normalization keeps the shape: the output type is the input type. */
    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        if (inputType == null) {
            throw new IllegalStateException("BatchNorm layer \"" + getLayerName() + "\" (index " + layerIndex
                    + ") got no input type");
        }
        switch (inputType.getType()) {
            case FF:
            case CNN:
            case CNNFlat:
            case CNN3D:
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
                break;
            case CNNFlat:
                channels = ((InputType.InputTypeConvolutionalFlat) inputType).getDepth();
                break;
            case CNN3D:
                InputType.InputTypeConvolutional3D cnn3d = (InputType.InputTypeConvolutional3D) inputType;
                channels = cnn3d.getChannels();
                cnn3DFormat = cnn3DFormat != null ? cnn3DFormat : cnn3d.getDataFormat();
                break;
            case RNN:
                InputType.InputTypeRecurrent rnn = (InputType.InputTypeRecurrent) inputType;
                channels = rnn.getSize();
                rnnFormat = rnnFormat != null ? rnnFormat : rnn.getFormat();
                break;
            default:
                throw new IllegalStateException("BatchNorm layer \"" + getLayerName()
                        + "\" takes feed-forward, recurrent, convolutional or 3D convolutional input, not " + inputType);
        }
        if (nIn <= 0 || override) {
            nIn = channels;
            nOut = channels;
        }
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
     * Gamma and beta use the configured updater (a no-op when frozen); the running statistics a no-op, since their
     * "gradient" is the update.
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

    // --- bean properties: Jackson needs a getter and a setter for every field, or it resets it on reload ---

    public double getEps() {
        return eps;
    }

    public void setEps(double eps) {
        this.eps = eps;
    }

    public double getDecay() {
        return decay;
    }

    public void setDecay(double decay) {
        this.decay = decay;
    }

    public boolean isLockGammaBeta() {
        return lockGammaBeta;
    }

    public void setLockGammaBeta(boolean lockGammaBeta) {
        this.lockGammaBeta = lockGammaBeta;
    }

    public double getGamma() {
        return gamma;
    }

    public void setGamma(double gamma) {
        this.gamma = gamma;
    }

    public double getBeta() {
        return beta;
    }

    public void setBeta(double beta) {
        this.beta = beta;
    }

    public RunningAverage getRunningAverage() {
        return runningAverage;
    }

    public void setRunningAverage(RunningAverage runningAverage) {
        this.runningAverage = runningAverage;
    }

    public RunningVariance getRunningVariance() {
        return runningVariance;
    }

    public void setRunningVariance(RunningVariance runningVariance) {
        this.runningVariance = runningVariance;
    }

    public NonFinitePolicy getNonFinitePolicy() {
        return nonFinitePolicy;
    }

    public void setNonFinitePolicy(NonFinitePolicy nonFinitePolicy) {
        this.nonFinitePolicy = nonFinitePolicy;
    }

    public CNN2DFormat getCnn2DFormat() {
        return cnn2DFormat;
    }

    public void setCnn2DFormat(CNN2DFormat cnn2DFormat) {
        this.cnn2DFormat = cnn2DFormat;
    }

    public RNNFormat getRnnFormat() {
        return rnnFormat;
    }

    public void setRnnFormat(RNNFormat rnnFormat) {
        this.rnnFormat = rnnFormat;
    }

    public Convolution3D.DataFormat getCnn3DFormat() {
        return cnn3DFormat;
    }

    public void setCnn3DFormat(Convolution3D.DataFormat cnn3DFormat) {
        this.cnn3DFormat = cnn3DFormat;
    }

    public boolean isRenorm() {
        return renorm;
    }

    public void setRenorm(boolean renorm) {
        this.renorm = renorm;
    }

    public double getRenormRMax() {
        return renormRMax;
    }

    public void setRenormRMax(double renormRMax) {
        this.renormRMax = renormRMax;
    }

    public double getRenormDMax() {
        return renormDMax;
    }

    public void setRenormDMax(double renormDMax) {
        this.renormDMax = renormDMax;
    }

    public long getRenormWarmupSteps() {
        return renormWarmupSteps;
    }

    public void setRenormWarmupSteps(long renormWarmupSteps) {
        this.renormWarmupSteps = renormWarmupSteps;
    }

    public long getRenormRampSteps() {
        return renormRampSteps;
    }

    public void setRenormRampSteps(long renormRampSteps) {
        this.renormRampSteps = renormRampSteps;
    }

    public int getGhostBatchSize() {
        return ghostBatchSize;
    }

    public void setGhostBatchSize(int ghostBatchSize) {
        this.ghostBatchSize = ghostBatchSize;
    }

    public boolean isFrozenStatistics() {
        return frozenStatistics;
    }

    public void setFrozenStatistics(boolean frozenStatistics) {
        this.frozenStatistics = frozenStatistics;
    }

    public boolean isFrozenGammaBeta() {
        return frozenGammaBeta;
    }

    public void setFrozenGammaBeta(boolean frozenGammaBeta) {
        this.frozenGammaBeta = frozenGammaBeta;
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
        if (this == o) {
            return true;
        }
        if (!(o instanceof BatchNorm) || !super.equals(o)) {
            return false;
        }
        BatchNorm other = (BatchNorm) o;
        return Double.compare(eps, other.eps) == 0 && Double.compare(decay, other.decay) == 0
                && lockGammaBeta == other.lockGammaBeta && Double.compare(gamma, other.gamma) == 0
                && Double.compare(beta, other.beta) == 0 && runningAverage == other.runningAverage
                && runningVariance == other.runningVariance && nonFinitePolicy == other.nonFinitePolicy
                && cnn2DFormat == other.cnn2DFormat && rnnFormat == other.rnnFormat && cnn3DFormat == other.cnn3DFormat
                && renorm == other.renorm && Double.compare(renormRMax, other.renormRMax) == 0
                && Double.compare(renormDMax, other.renormDMax) == 0 && renormWarmupSteps == other.renormWarmupSteps
                && renormRampSteps == other.renormRampSteps && ghostBatchSize == other.ghostBatchSize
                && frozenStatistics == other.frozenStatistics && frozenGammaBeta == other.frozenGammaBeta;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), eps, decay, lockGammaBeta, gamma, beta, runningAverage, runningVariance,
                nonFinitePolicy, cnn2DFormat, rnnFormat, cnn3DFormat, renorm, renormRMax, renormDMax, renormWarmupSteps,
                renormRampSteps, ghostBatchSize, frozenStatistics, frozenGammaBeta);
    }

    @Override
    public String toString() {
        return "BatchNorm(name=" + getLayerName() + ", nIn=" + nIn + ", nOut=" + nOut + ", eps=" + eps + ", decay=" + decay
                + (lockGammaBeta ? ", gamma=" + gamma + ", beta=" + beta + " (locked)" : "")
                + ", runningAverage=" + runningAverage + ", runningVariance=" + runningVariance
                + ", nonFinitePolicy=" + nonFinitePolicy + ", cnn2DFormat=" + cnn2DFormat + ", rnnFormat=" + rnnFormat
                + ", cnn3DFormat=" + cnn3DFormat
                + (renorm ? ", renorm(rMax=" + renormRMax + ", dMax=" + renormDMax + ", warmup=" + renormWarmupSteps
                        + ", ramp=" + renormRampSteps + ")" : "")
                + (ghostBatchSize > 0 ? ", ghostBatchSize=" + ghostBatchSize : "")
                + (frozenStatistics ? ", frozenStatistics" : "") + (frozenGammaBeta ? ", frozenGammaBeta" : "") + ")";
    }

    /** Builds a {@link BatchNorm}; every option has the default the class documentation gives. */
    public static class Builder extends FeedForwardLayer.Builder<Builder> {
        private double eps = BatchNormConfig.DEFAULT_EPS;
        private double decay = BatchNormConfig.DEFAULT_DECAY;
        private boolean lockGammaBeta = false;
        private double gamma = 1.0;
        private double beta = 0.0;
        private RunningAverage runningAverage = RunningAverage.EXPONENTIAL;
        private RunningVariance runningVariance = RunningVariance.BIASED;
        private NonFinitePolicy nonFinitePolicy = NonFinitePolicy.REJECT;
        // null: not chosen, so taken from the input type, else the default (NCHW, NCW, NCDHW)
        private CNN2DFormat cnn2DFormat;
        private RNNFormat rnnFormat;
        private Convolution3D.DataFormat cnn3DFormat;
        private boolean renorm;
        private double renormRMax = 1;
        private double renormDMax = 0;
        private long renormWarmupSteps;
        private long renormRampSteps;
        private int ghostBatchSize;
        private boolean frozenStatistics;
        private boolean frozenGammaBeta;

        /** @param eps added to the variance before the square root, &gt; 0; default {@value BatchNormConfig#DEFAULT_EPS} */
        public Builder eps(double eps) {
            this.eps = eps;
            return this;
        }

        /** @param decay weight of the old running value, in [0, 1); default {@value BatchNormConfig#DEFAULT_DECAY} */
        public Builder decay(double decay) {
            this.decay = decay;
            return this;
        }

        /** @param lock true to keep gamma and beta fixed at {@link #gamma(double)} and {@link #beta(double)} */
        public Builder lockGammaBeta(boolean lock) {
            this.lockGammaBeta = lock;
            return this;
        }

        /** @param gamma the initial gamma, or the fixed one when locked; default 1 */
        public Builder gamma(double gamma) {
            this.gamma = gamma;
            return this;
        }

        /** @param beta the initial beta, or the fixed one when locked; default 0 */
        public Builder beta(double beta) {
            this.beta = beta;
            return this;
        }

        /** @param cumulative true for the paper's population average over all batches (PyTorch's momentum=None) */
        public Builder cumulativeAverage(boolean cumulative) {
            this.runningAverage = cumulative ? RunningAverage.CUMULATIVE : RunningAverage.EXPONENTIAL;
            return this;
        }

        /** @param unbiased true to keep the unbiased batch variance m/(m-1) in the running statistics (paper, PyTorch) */
        public Builder unbiasedVariance(boolean unbiased) {
            this.runningVariance = unbiased ? RunningVariance.UNBIASED : RunningVariance.BIASED;
            return this;
        }

        /** @param policy what NaN or infinite inputs and gradients do; default {@link NonFinitePolicy#REJECT} */
        public Builder nonFinitePolicy(NonFinitePolicy policy) {
            this.nonFinitePolicy = policy;
            return this;
        }

        /** @param format the layout of image input; default: the input type's, else NCHW */
        public Builder dataFormat(CNN2DFormat format) {
            this.cnn2DFormat = format;
            return this;
        }

        /** @param format the layout of sequence input; default: the input type's, else NCW */
        public Builder rnnDataFormat(RNNFormat format) {
            this.rnnFormat = format;
            return this;
        }

        /**
         * @param format the layout of volume input; default: the input type's, else NCDHW. Set it after a
         *               {@code Convolution3D} in {@code Truncate} mode: DL4J 1.0.0-M2.1 reports that layer's output as
         *               NDHWC whatever its data format.
         */
        public Builder cnn3DDataFormat(Convolution3D.DataFormat format) {
            this.cnn3DFormat = format;
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
            this.renorm = true;
            this.renormRMax = rMax;
            this.renormDMax = dMax;
            return this;
        }

        /**
         * @param warmupSteps iterations at plain BN (rMax 1, dMax 0) before the bounds relax (the paper: 5,000)
         * @param rampSteps   iterations over which they grow linearly to {@link #renorm(double, double)}'s bounds
         */
        public Builder renormWarmup(long warmupSteps, long rampSteps) {
            this.renormWarmupSteps = warmupSteps;
            this.renormRampSteps = rampSteps;
            return this;
        }

        /**
         * @param examples examples per ghost batch: training normalizes each run of this many consecutive examples with
         *                 its own statistics; it must divide every training minibatch. 0 (default): off.
         *                 Not available with masks.
         */
        public Builder ghostBatchSize(int examples) {
            this.ghostBatchSize = examples;
            return this;
        }

        /**
         * @param frozen true to normalize with the running statistics in training too, and never update them
         *               (Keras' {@code trainable=False} for BN, for fine-tuning); gamma and beta still learn unless
         *               {@link #frozenGammaBeta(boolean)}. Default false.
         */
        public Builder frozenStatistics(boolean frozen) {
            this.frozenStatistics = frozen;
            return this;
        }

        /**
         * @param frozen true to keep gamma and beta at their current (initial or loaded) values: zero gradients and a
         *               no-op updater for them. Unlike {@link #lockGammaBeta(boolean)} they stay parameters. Default false.
         */
        public Builder frozenGammaBeta(boolean frozen) {
            this.frozenGammaBeta = frozen;
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
