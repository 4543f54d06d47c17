package org.bn4j.examples;

import java.util.Locale;
import java.util.SplittableRandom;
import org.bn4j.core.BatchNorm;
import org.bn4j.core.BatchNormConfig;
import org.bn4j.core.BatchStats;
import org.bn4j.core.Layout;
import org.bn4j.core.ParamGradients;
import org.bn4j.core.RunningStats;
import org.bn4j.core.Shape;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The README's main job until the paper's experiments land: normalizes a few batches of badly scaled
 * NCHW activations with bn-core and prints what Batch Normalization did to them.
 */
public final class CoreDemo {
    private static final Logger LOG = LoggerFactory.getLogger(CoreDemo.class);

    private CoreDemo() {
    }

    public static void main(String[] args) {
        Shape shape = Shape.of(Layout.NCHW, 32, 8, 28, 28);
        BatchNormConfig config = BatchNormConfig.defaults();
        BatchNorm bn = new BatchNorm(config);
        double[] gamma = new double[shape.channels()];
        double[] beta = new double[shape.channels()];
        java.util.Arrays.fill(gamma, 1.0);
        RunningStats running = RunningStats.initial(shape.channels());
        SplittableRandom random = new SplittableRandom(1502_03167L);

        LOG.info("bn-core demo: {} activations, channel c drawn from N(mean = 100 * c, std = c + 1), {}",
                shape, bn.parallelism());
        float[] x = new float[shape.size()];
        float[] y = new float[shape.size()];
        BatchStats stats = null;
        for (int step = 1; step <= 20; step++) {
            fill(x, shape, random);
            stats = bn.forwardTraining(x, shape, gamma, beta, y);
            running = running.updated(stats, config);
        }
        double[] mean = stats.mean();
        double[] var = stats.biasedVar();
        System.out.println("channel  batch mean  batch std  | output mean  output std | running mean  running var");
        double[][] out = moments(y, shape);
        for (int ch = 0; ch < shape.channels(); ch++) {
            System.out.printf(Locale.ROOT, "%7d  %10.3f  %9.3f  | %11.2e  %10.6f | %12.3f  %11.3f%n", ch, mean[ch],
                    Math.sqrt(var[ch]), out[0][ch], Math.sqrt(out[1][ch]), running.mean()[ch], running.var()[ch]);
        }

        float[] dy = new float[shape.size()];
        for (int i = 0; i < dy.length; i++) {
            dy[i] = (float) (random.nextDouble() - 0.5);
        }
        float[] dx = new float[shape.size()];
        ParamGradients grads = bn.backward(x, dy, shape, gamma, stats, dx);
        double[][] dxMoments = moments(dx, shape);
        System.out.printf(Locale.ROOT, "backward: dBeta[0] = %.4f, dGamma[0] = %.4f; per-channel mean of dx = %.1e "
                + "(BN's input gradient has zero mean per channel)%n", grads.dBeta()[0], grads.dGamma()[0], dxMoments[0][0]);
        System.out.println("After 20 batches the running mean approaches 100 * c as 1 - 0.9^20 = "
                + String.format(Locale.ROOT, "%.3f", 1 - Math.pow(0.9, 20)) + " of the way (decay 0.9).");
    }

    private static void fill(float[] x, Shape shape, SplittableRandom random) {
        int plane = shape.spatial();
        for (int i = 0; i < x.length; i++) {
            int ch = (i / plane) % shape.channels();
            double gaussian = Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
            x[i] = (float) (100.0 * ch + (ch + 1) * gaussian);
        }
    }

    /** @return {mean, biased variance} per channel of an NCHW tensor */
    private static double[][] moments(float[] a, Shape shape) {
        int c = shape.channels();
        int plane = shape.spatial();
        double[] sum = new double[c];
        double[] sumSq = new double[c];
        for (int i = 0; i < a.length; i++) {
            int ch = (i / plane) % c;
            sum[ch] += a[i];
        }
        double m = shape.valuesPerChannel();
        for (int ch = 0; ch < c; ch++) {
            sum[ch] /= m;
        }
        for (int i = 0; i < a.length; i++) {
            int ch = (i / plane) % c;
            double d = a[i] - sum[ch];
            sumSq[ch] += d * d;
        }
        for (int ch = 0; ch < c; ch++) {
            sumSq[ch] /= m;
        }
        return new double[][] {sum, sumSq};
    }
}
