package org.bn4j.core;

import java.util.SplittableRandom;

/** Seeded test inputs; every channel gets its own offset and spread so that centering matters. */
public final class TestData {
    static final long SEED = 20150211L;

    private TestData() {
    }

    static double[] activations(Shape shape, long seed) {
        ReferenceBatchNorm ref = new ReferenceBatchNorm(shape);
        SplittableRandom random = new SplittableRandom(seed);
        double[] offset = new double[shape.channels()];
        double[] spread = new double[shape.channels()];
        for (int ch = 0; ch < offset.length; ch++) {
            offset[ch] = random.nextDouble(-3, 3);
            spread[ch] = random.nextDouble(0.2, 4);
        }
        double[] x = new double[shape.size()];
        for (int i = 0; i < x.length; i++) {
            int ch = ref.channelOf[i];
            x[i] = offset[ch] + spread[ch] * gaussian(random);
        }
        return x;
    }

    static double[] uniform(int n, double lo, double hi, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextDouble(lo, hi);
        }
        return v;
    }

    public static double gaussian(SplittableRandom random) {
        // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    /**
     * @return batch renormalization (rMax 2, dMax 1) with two ghost batches where the shape allows them: a training
     * configuration that takes every branch of the forward and backward passes
     */
    static BatchNormalizer renormWithGhostBatches(Shape shape) {
        boolean halves = shape.batch() % 2 == 0 && shape.valuesPerChannel() >= 4;
        return new BatchNormalizer(BatchNormConfig.builder().renorm(BatchRenorm.of(2, 1))
                .ghostBatchSize(halves ? shape.batch() / 2 : 0).build());
    }

    public static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    public static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    /** Seeded inputs of every pass for one shape: activations, output gradients, gamma, beta, running statistics. */
    record Inputs(double[] x, double[] dy, double[] gamma, double[] beta, RunningStats running) {
        static Inputs of(Shape shape) {
            return new Inputs(activations(shape, SEED), uniform(shape.size(), -1, 1, 5),
                    uniform(shape.channels(), 0.5, 2, 1), uniform(shape.channels(), -1, 1, 2),
                    RunningStats.of(uniform(shape.channels(), -1, 1, 3), uniform(shape.channels(), 0.5, 2, 4), 1));
        }
    }
}
