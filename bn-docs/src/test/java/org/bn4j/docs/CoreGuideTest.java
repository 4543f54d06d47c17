package org.bn4j.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Random;
import org.bn4j.core.BatchNormConfig;
import org.bn4j.core.BatchNormalizer;
import org.bn4j.core.BatchStats;
import org.bn4j.core.Layout;
import org.bn4j.core.ParamGradients;
import org.bn4j.core.RunningStats;
import org.bn4j.core.RunningVariance;
import org.bn4j.core.Shape;
import org.bn4j.core.Values;
import org.junit.jupiter.api.Test;

/** The snippets of docs/core.md, run. */
class CoreGuideTest {
    @Test
    void quickStartNormalizesEachChannelAndKeepsRunningStatistics() {
        Random random = new Random(1);
        float[] x = new float[8 * 14 * 14 * 64];
        float[] dy = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (3 + 2 * random.nextGaussian());
            dy[i] = (float) random.nextGaussian();
        }
        float[] y = new float[x.length];
        float[] dx = new float[x.length];
        double[] gamma = new double[64];
        double[] beta = new double[64];
        java.util.Arrays.fill(gamma, 1);

        // tag::quick-start[]
        Shape shape = Shape.of(Layout.NHWC, 8, 14, 14, 64);                 // N, H, W, C
        BatchNormConfig config = BatchNormConfig.builder()                    // eps and decay at their defaults
                .runningVariance(RunningVariance.UNBIASED)                    // the paper's m/(m-1); DL4J keeps it biased
                .build();
        BatchNormalizer bn = new BatchNormalizer(config);                     // uses every available processor

        Values in = Values.of(x), out = Values.of(y);                         // float[], double[] or buffers
        BatchStats batch = bn.forwardTraining(in, shape, gamma, beta, null, out);  // null: no batch renormalization
        RunningStats running = RunningStats.initial(64).updated(batch, config);   // immutable: a failed step keeps it
        ParamGradients grads = bn.backward(in, Values.of(dy), shape, gamma, beta, batch, Values.of(dx));
        bn.forwardInference(in, shape, gamma, beta, running, out);                 // with the running statistics
        // end::quick-start[]

        double mean0 = 0;
        for (int i = 0; i < x.length; i += 64) {
            mean0 += x[i];
        }
        mean0 /= x.length / 64;
        assertEquals(mean0, batch.mean()[0], 1e-4);
        assertEquals((1 - config.decay()) * mean0, running.mean()[0], 1e-4, "one step of the moving average from 0");
        assertEquals(64, grads.dGamma().length);
        double dxSum0 = 0;
        for (int i = 0; i < dx.length; i += 64) {
            dxSum0 += dx[i];
        }
        assertNotEquals(0f, dx[0]);
        assertEquals(0, dxSum0, 1e-3, "a channel's input gradients sum to zero: its mean is subtracted");
    }
}
