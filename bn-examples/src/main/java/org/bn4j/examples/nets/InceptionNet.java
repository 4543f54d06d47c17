package org.bn4j.examples.nets;

import java.util.List;
import org.bn4j.dl4j.BatchNorm;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * A small Inception-style network after the paper's section 4.2: a stem convolution, then inception modules
 * whose branches are a 1x1 convolution, 1x1 then 3x3, 1x1 then two 3x3 (the paper's replacement of the 5x5), and
 * 3x3 average pooling with a 1x1 projection, concatenated by a {@link MergeVertex}; global average pooling and a
 * softmax classifier. With BN, every convolution is {@code conv (no bias) -> BN -> nonlinearity}. Input: flat
 * {@code [n, channels * size * size]} rows, reshaped to NCHW by the network.
 */
public final class InceptionNet {
    /**
     * One of the five networks of the paper's Figure 3.
     *
     * @param name           as in the paper
     * @param batchNorm      BN before every nonlinearity
     * @param lrMultiplier   learning rate relative to the baseline's
     * @param activation     the nonlinearity
     * @param dropout        dropout before the classifier
     * @param l2Divisor      how much weaker L2 is than the baseline's
     * @param decaySpeedup   how much faster the learning rate decays
     * @param paperLr        the paper's learning rate, for the report
     * @param paperSteps     the paper's steps to reach 72.2%, or null for never
     * @param paperAccuracy  the paper's best top-1 accuracy, in percent
     */
    public record Variant(String name, boolean batchNorm, double lrMultiplier, Activation activation, boolean dropout,
            double l2Divisor, double decaySpeedup, double paperLr, Double paperSteps, double paperAccuracy) {
    }

    /** The architecture in a sentence, for reports. */
    public static final String DESCRIPTION = "a stem 3x3 convolution and 2x2 max pooling, an inception module (1x1; 1x1 then "
            + "3x3; 1x1 then two 3x3 in place of the 5x5; 3x3 average pooling with a 1x1 projection; merged), 2x2 max pooling, "
            + "a second inception module, global average pooling, dropout (variants with dropout only) and softmax.";

    /** The paper's Figure 3, with its measured steps to 72.2% top-1 and best accuracy. */
    public static final List<Variant> FIGURE_3 = List.of(
            new Variant("Inception", false, 1, Activation.RELU, true, 1, 1, 0.0015, 31.0e6, 72.2),
            new Variant("BN-Baseline", true, 1, Activation.RELU, true, 1, 1, 0.0015, 13.3e6, 72.7),
            new Variant("BN-x5", true, 5, Activation.RELU, false, 5, 6, 0.0075, 2.1e6, 73.0),
            new Variant("BN-x30", true, 30, Activation.RELU, false, 5, 6, 0.045, 2.7e6, 74.8),
            new Variant("BN-x5-Sigmoid", true, 5, Activation.SIGMOID, false, 5, 6, 0.0075, null, 69.8));

    /**
     * Training settings shared by every variant; the variant scales them.
     *
     * @param steps the horizon of the learning-rate schedule: the baseline's rate halves over it
     * @param width multiplies every layer's channel count (rounded, at least 1)
     */
    public record Training(double baseLearningRate, double baseL2, int steps, long seed, double width) {
        public Training {
            if (!(width > 0)) {
                throw new IllegalArgumentException("width must be positive, got " + width);
            }
        }

        /** Training at the default widths. */
        public Training(double baseLearningRate, double baseL2, int steps, long seed) {
            this(baseLearningRate, baseL2, steps, seed, 1);
        }
    }

    private InceptionNet() {
    }

    /**
     * @param variant  which of the five networks
     * @param bn       which BN implementation (ignored without BN)
     * @param channels image channels
     * @param size     image side in pixels (divisible by 4)
     * @param classes  output classes
     * @param training learning rate, L2, run length and seed
     */
    public static ComputationGraph build(Variant variant, BatchNormImpl bn, int channels, int size, int classes,
                                         Training training) {
        return build(variant, bn, false, channels, size, classes, training);
    }

    /**
     * As {@link #build(Variant, BatchNormImpl, int, int, int, Training)} with bn4j's BN, each BN layer applying the
     * variant's nonlinearity itself instead of a separate {@code ActivationLayer} after it.
     */
    public static ComputationGraph buildWithActivationInBatchNorm(Variant variant, int channels, int size, int classes,
                                                                  Training training) {
        return build(variant, BatchNormImpl.BN4J, true, channels, size, classes, training);
    }

    private static ComputationGraph build(Variant variant, BatchNormImpl bn, boolean activationInBatchNorm,
                                          int channels,
                                          int size, int classes, Training training) {
        double lr = training.baseLearningRate() * variant.lrMultiplier();
        // Halve the learning rate over the run, or 6x as often for the accelerated variants.
        double halfLife = Math.max(1, training.steps() / (1.0 * variant.decaySpeedup()));
        ExponentialSchedule schedule = new ExponentialSchedule(ScheduleType.ITERATION, lr, Math.pow(0.5, 1 / halfLife));
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder().seed(training.seed())
                .updater(new Nesterovs(schedule, 0.9)).l2(training.baseL2() / variant.l2Divisor())
                .weightInit(WeightInit.RELU).convolutionMode(ConvolutionMode.Same)
                .graphBuilder().addInputs("image");
        Builder b = new Builder(g, variant, bn, activationInBatchNorm, training.width());
        String x = b.conv("stem", "image", 16, 3);
        x = b.pool("stem_pool", x, PoolingType.MAX, 2, 2);
        x = b.inception("mixed_a", x, 8, 8, 8, 4, 8, 8);
        x = b.pool("pool_a", x, PoolingType.MAX, 2, 2);
        x = b.inception("mixed_b", x, 16, 12, 16, 8, 16, 16);
        g.addLayer("global_pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), x);
        x = "global_pool";
        if (variant.dropout()) {
            g.addLayer("dropout", new DropoutLayer.Builder(0.6).build(), x);   // DL4J: probability of keeping
            x = "dropout";
        }
        g.addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build(), x);
        ComputationGraph net = new ComputationGraph(g.setOutputs("output")
                .setInputTypes(InputType.convolutionalFlat(size, size, channels)).build());
        net.init();
        return net;
    }

    /** Adds layers to a graph under unique names. */
    private static final class Builder {
        private final ComputationGraphConfiguration.GraphBuilder g;
        private final Variant variant;
        private final BatchNormImpl bn;
        /** Whether bn4j's BN applies the nonlinearity (no separate activation layer). */
        private final boolean activationInBatchNorm;
        private final double width;

        Builder(ComputationGraphConfiguration.GraphBuilder g, Variant variant, BatchNormImpl bn,
                boolean activationInBatchNorm, double width) {
            this.g = g;
            this.variant = variant;
            this.bn = bn;
            this.activationInBatchNorm = activationInBatchNorm;
            this.width = width;
        }

        /**
         * conv -> nonlinearity, or conv (no bias) -> BN -> nonlinearity, the last two in one layer when BN applies
         * it; @return the name of the last vertex
         */
        String conv(String name, String in, int filters, int kernel) {
            g.addLayer(name,
                    new ConvolutionLayer.Builder(kernel, kernel).nOut(Math.max(1, Math.round(filters * width)))
                            .hasBias(!variant.batchNorm())
                            .activation(variant.batchNorm() ? Activation.IDENTITY : variant.activation()).build(),
                    in);
            if (!variant.batchNorm()) {
                return name;
            }
            if (activationInBatchNorm) {
                g.addLayer(name + "_bn", new BatchNorm.Builder().activation(variant.activation()).build(), name);
                return name + "_bn";
            }
            g.addLayer(name + "_bn", bn.layer(), name);
            g.addLayer(name + "_act", new ActivationLayer.Builder().activation(variant.activation()).build(),
                    name + "_bn");
            return name + "_act";
        }

        String pool(String name, String in, PoolingType type, int kernel, int stride) {
            g.addLayer(name,
                    new SubsamplingLayer.Builder(type).kernelSize(kernel, kernel).stride(stride, stride).build(), in);
            return name;
        }

        /** Branches: 1x1; 1x1 -> 3x3; 1x1 -> 3x3 -> 3x3; 3x3 average pool -> 1x1 projection. */
        String inception(String name, String in, int b1, int b2Reduce, int b2, int b3Reduce, int b3, int projection) {
            String one = conv(name + "_1x1", in, b1, 1);
            String three = conv(name + "_3x3", conv(name + "_3x3_reduce", in, b2Reduce, 1), b2, 3);
            String doubleThree = conv(name + "_d3x3_b",
                    conv(name + "_d3x3_a", conv(name + "_d3x3_reduce", in, b3Reduce, 1), b3, 3), b3, 3);
            String pooled = pool(name + "_pool", in, PoolingType.AVG, 3, 1);
            String proj = conv(name + "_pool_proj", pooled, projection, 1);
            g.addVertex(name, new MergeVertex(), one, three, doubleThree, proj);
            return name;
        }
    }
}
