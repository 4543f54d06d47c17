package org.bn4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Statistics must not cancel catastrophically: no E[x^2] - E[x]^2. */
class NumericalStabilityTest {

    @ParameterizedTest
    @EnumSource(value = Layout.class, names = {"NC", "NCHW", "NHWC"})
    void largeOffsetFloatDataGivesTheVarianceOfTheDoubleReference(Layout layout) {
        Shape shape = layout == Layout.NC ? Shape.of(layout, 20000, 3)
                : layout == Layout.NCHW ? Shape.of(layout, 16, 3, 25, 25) : Shape.of(layout, 16, 25, 25, 3);
        SplittableRandom random = new SplittableRandom(TestData.SEED);
        float[] x = new float[shape.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (1e4 + 1e-2 * TestData.gaussian(random));   // mean 1e4, std 1e-2
        }
        double[] exact = new ReferenceBatchNorm(shape).biasedVar(TestData.toDouble(x));

        float[] y = new float[x.length];
        BatchStats stats = new BatchNormalizer(BatchNormConfig.defaults()).forwardTraining(Values.of(x), shape,
                new double[] {1, 1, 1}, new double[3], null, Values.of(y));

        for (int ch = 0; ch < 3; ch++) {
            assertEquals(exact[ch], stats.biasedVar()[ch], 1e-3 * exact[ch], "relative variance error, channel " + ch);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Layout.class, names = {"NC", "NCHW"})
    void largeOffsetFloatDataNormalizesAccurately(Layout layout) {
        Shape shape = layout == Layout.NC ? Shape.of(layout, 5000, 2) : Shape.of(layout, 8, 2, 25, 25);
        SplittableRandom random = new SplittableRandom(TestData.SEED);
        float[] x = new float[shape.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (1e4 + 1e-2 * TestData.gaussian(random));
        }
        double[] gamma = {1, 1};
        double[] beta = {0, 0};
        double[] expected = new ReferenceBatchNorm(shape).forwardTraining(TestData.toDouble(x), gamma, beta,
                BatchNormConfig.DEFAULT_EPS);

        float[] y = new float[x.length];
        new BatchNormalizer(BatchNormConfig.defaults()).forwardTraining(Values.of(x), shape, gamma, beta, null,
                Values.of(y));

        // A single float mean would be off by up to half an ulp of 1e4 (5e-4), 5% of a standard deviation.
        Tolerances.assertClose(expected, y, 1e-4, "y of large-offset data");
    }

    @ParameterizedTest
    @EnumSource(value = Layout.class, names = {"NC", "NCHW", "NHWC"})
    void outliersWhereBlocksStartLeaveTheVarianceOfTheDoubleReference(Layout layout) {
        // The statistics shift a block's values by its first one: an outlier there is the shift's worst case. Outliers
        // of a million standard deviations start every plane (NCHW) and every 64th row (NC, NHWC), which covers every
        // block's start.
        Shape shape = layout == Layout.NC ? Shape.of(layout, 20000, 4)
                : layout == Layout.NCHW ? Shape.of(layout, 16, 4, 30, 30) : Shape.of(layout, 16, 30, 30, 4);
        SplittableRandom random = new SplittableRandom(TestData.SEED);
        double[] x = new double[shape.size()];
        for (int i = 0; i < x.length; i++) {
            boolean blockStart = layout == Layout.NCHW ? i % shape.spatial() == 0 : (i / 4) % 64 == 0;
            x[i] = blockStart ? 1e6 : TestData.gaussian(random);
        }
        double[] exact = new ReferenceBatchNorm(shape).biasedVar(x);

        BatchStats stats = new BatchNormalizer(BatchNormConfig.defaults()).forwardTraining(Values.of(x), shape,
                new double[] {1, 1, 1, 1}, new double[4], null, Values.of(new double[x.length]));

        for (int ch = 0; ch < 4; ch++) {
            assertEquals(exact[ch], stats.biasedVar()[ch], Tolerances.F64 * exact[ch],
                    "relative variance error, channel " + ch);
        }
    }
}
