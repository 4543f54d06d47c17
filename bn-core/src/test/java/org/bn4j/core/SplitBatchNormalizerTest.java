package org.bn4j.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A batch split into parts, each normalized by {@link SplitBatchNormalizer} with the merged statistics, gives the
 * parts of what {@link BatchNormalizer} gives for the whole batch: outputs, input gradients, and gamma/beta gradients
 * that add up. Tolerance 1e-12 (relative to the values' scale): the merge order differs from the kernels', so
 * rounding differs; the statistics of one part instead of the whole would be off by far more.
 */
class SplitBatchNormalizerTest {
    private static final double TOLERANCE = 1e-12;

    static Stream<Shape> shapes() {
        // a batch of at least 2 examples, to split in two parts of different sizes where it is odd
        return Shapes.all().stream().filter(s -> s.batch() >= 2 && s.size() < 200_000);
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void partsNormalizedWithTheMergedStatisticsMatchTheWholeBatch(Shape shape) {
        BatchNormConfig config = BatchNormConfig.defaults();
        BatchNormalizer whole = new BatchNormalizer(config);
        SplitBatchNormalizer split = new SplitBatchNormalizer(config);
        double[] x = TestData.activations(shape, 1);
        double[] dy = TestData.uniform(shape.size(), -1, 1, 2);
        double[] gamma = TestData.uniform(shape.channels(), 0.5, 1.5, 3);
        double[] beta = TestData.uniform(shape.channels(), -1, 1, 4);
        double[] y = new double[shape.size()];
        double[] dx = new double[shape.size()];
        BatchStats expected = whole.forwardTraining(Values.of(x), shape, gamma, beta, null, Values.of(y));
        ParamGradients expectedGrads = whole.backward(Values.of(x), Values.of(dy), shape, gamma, beta, expected,
                Values.of(dx));

        int[] bounds = {0, shape.batch() / 2, shape.batch()};
        List<ChannelMoments> shares = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            shares.add(split.moments(part(x, shape, bounds[p], bounds[p + 1]),
                    shape.withBatch(bounds[p + 1] - bounds[p])));
        }
        BatchStats global = ChannelMoments.merge(shares, config.eps());
        assertEquals(expected.count(), global.count());
        assertClose(expected.mean(), global.mean(), "mean");
        assertClose(expected.biasedVar(), global.biasedVar(), "variance");

        List<ChannelGradientSums> sums = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            Shape partShape = shape.withBatch(bounds[p + 1] - bounds[p]);
            sums.add(split.gradientSums(part(x, shape, bounds[p], bounds[p + 1]),
                    part(dy, shape, bounds[p], bounds[p + 1]),
                    partShape, gamma, beta, global));
        }
        ChannelGradientSums total = ChannelGradientSums.sum(sums);
        double[] dGamma = new double[shape.channels()];
        double[] dBeta = new double[shape.channels()];
        for (int p = 0; p < 2; p++) {
            Shape partShape = shape.withBatch(bounds[p + 1] - bounds[p]);
            double[] xPart = part(x, shape, bounds[p], bounds[p + 1]);
            double[] yPart = new double[partShape.size()];
            double[] dxPart = new double[partShape.size()];
            split.normalize(xPart, partShape, gamma, beta, global, yPart);
            ParamGradients grads = split.backward(xPart, part(dy, shape, bounds[p], bounds[p + 1]), partShape, gamma,
                    beta, global, sums.get(p), total, dxPart);
            assertClose(part(y, shape, bounds[p], bounds[p + 1]), yPart, "y of part " + p);
            assertClose(part(dx, shape, bounds[p], bounds[p + 1]), dxPart, "dx of part " + p);
            for (int ch = 0; ch < dGamma.length; ch++) {
                dGamma[ch] += grads.dGamma()[ch];
                dBeta[ch] += grads.dBeta()[ch];
            }
        }
        assertClose(expectedGrads.dGamma(), dGamma, "dGamma");
        assertClose(expectedGrads.dBeta(), dBeta, "dBeta");
    }

    @Test
    void mergingTheSameSharesInTheSameOrderIsBitwiseReproducible() {
        Shape shape = Shape.of(Layout.NCHW, 3, 4, 5, 5);
        SplitBatchNormalizer split = new SplitBatchNormalizer(BatchNormConfig.defaults());
        List<ChannelMoments> shares = List.of(split.moments(TestData.activations(shape, 5), shape),
                split.moments(TestData.activations(shape, 6), shape),
                split.moments(TestData.activations(shape, 7), shape));
        BatchStats first = ChannelMoments.merge(shares, 1e-5);
        BatchStats second = ChannelMoments.merge(new ArrayList<>(shares), 1e-5);
        assertArrayEquals(first.mean(), second.mean());
        assertArrayEquals(first.biasedVar(), second.biasedVar());
    }

    @Test
    void ghostBatchesAndRenormalizationAreRefused() {
        IllegalArgumentException ghost = assertThrows(IllegalArgumentException.class,
                () -> new SplitBatchNormalizer(BatchNormConfig.builder().ghostBatchSize(2).build()));
        assertTrue(ghost.getMessage().contains("ghost batches"), ghost.getMessage());
        IllegalArgumentException renorm = assertThrows(IllegalArgumentException.class,
                () -> new SplitBatchNormalizer(BatchNormConfig.builder().renorm(BatchRenorm.of(3, 5)).build()));
        assertTrue(renorm.getMessage().contains("batch renormalization"), renorm.getMessage());
    }

    @Test
    void sharesHoldingFewerThanTwoValuesInAllAreRefused() {
        Shape one = Shape.of(Layout.NC, 1, 3);
        ChannelMoments share = new SplitBatchNormalizer(BatchNormConfig.defaults()).moments(new double[] {1, 2, 3},
                one);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ChannelMoments.merge(List.of(share), 1e-5));
        assertTrue(e.getMessage().contains("at least 2 values per channel"), e.getMessage());
        // two workers with one example each are enough
        assertEquals(2, ChannelMoments.merge(List.of(share, share), 1e-5).count());
    }

    @Test
    void nonFiniteInputIsRefusedNamingItsIndex() {
        Shape shape = Shape.of(Layout.NC, 2, 2);
        NonFiniteInputException e = assertThrows(NonFiniteInputException.class,
                () -> new SplitBatchNormalizer(BatchNormConfig.defaults()).moments(new double[] {1, 2, Double.NaN, 4},
                        shape));
        assertEquals(2, e.index());
    }

    /** Examples {@code [from, to)} of a row-major batch: one contiguous run, whatever the layout. */
    private static double[] part(double[] values, Shape shape, int from, int to) {
        int perExample = shape.size() / shape.batch();
        return Arrays.copyOfRange(values, from * perExample, to * perExample);
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        double scale = 1;
        for (double v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        assertArrayEquals(expected, actual, TOLERANCE * scale, what);
    }
}
