package org.bn4j.core.loops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import org.bn4j.core.loops.GateThresholdTest.Coefficients;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The vector loops' two forms of the activation's gradient gate, by the sign bit of {@code t - s * x} and by comparing
 * {@code s * x > t}, give the same bits for every finite x: at the thresholds {@link GateThreshold} writes, on either
 * side of them, at zeros and extremes, for ReLU and leaky ReLU. A JVM's loops run one form, chosen by the vector
 * width, so both are compared here on every machine.
 */
class GateFormsTest {
    private static final int STEPS = 200;
    private static final int RANDOM_X = 1000;

    @BeforeAll
    static void needsTheVectorApi() {
        assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), "no jdk.incubator.vector");
    }

    static Stream<Arguments> coefficientsAndSlopes() {
        return GateThresholdTest.coefficients()
                .flatMap(k -> Stream.of(0d, 0.01, 0.3).map(slope -> Arguments.of(k, slope)));
    }

    @ParameterizedTest(name = "{0}, slope {1}")
    @MethodSource("coefficientsAndSlopes")
    void floatFormsGiveTheSameBits(Coefficients k, double slope) {
        float[] s = new float[1], t = new float[1];
        GateThreshold.write(new float[] {(float) k.hi()}, new float[] {(float) k.lo()}, new float[] {(float) k.a()},
                new float[] {(float) k.b()}, 1, s, t);
        float[] x = floatXs(s[0] * t[0], Float.isFinite(t[0]));
        float[] dy = new float[x.length];
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < dy.length; i++) {
            dy[i] = i % 7 == 0 ? Float.NEGATIVE_INFINITY : (float) random.nextDouble(-4, 4);
        }
        FloatVector vs = FloatVector.broadcast(Lanes.FLOATS, s[0]), vt = FloatVector.broadcast(Lanes.FLOATS, t[0]);
        for (int i = 0; i < Lanes.FLOATS.loopBound(x.length); i += Lanes.FLOATS.length()) {
            FloatVector vx = FloatVector.fromArray(Lanes.FLOATS, x, i),
                    vdy = FloatVector.fromArray(Lanes.FLOATS, dy, i);
            float[] bySignBit = Lanes.gatedBySignBit(vx, vdy, vs, vt, (float) slope).toArray();
            float[] byComparison = Lanes.gatedByComparison(vx, vdy, vs, vt, (float) slope).toArray();
            for (int lane = 0; lane < bySignBit.length; lane++) {
                final int at = i + lane;
                assertEquals(Float.floatToRawIntBits(byComparison[lane]), Float.floatToRawIntBits(bySignBit[lane]),
                        () -> "x = " + x[at] + ", dy = " + dy[at] + ", t = " + t[0]);
            }
        }
    }

    @ParameterizedTest(name = "{0}, slope {1}")
    @MethodSource("coefficientsAndSlopes")
    void doubleFormsGiveTheSameBits(Coefficients k, double slope) {
        double[] s = new double[1], t = new double[1];
        GateThreshold.write(new double[] {k.hi()}, new double[] {k.lo()}, new double[] {k.a()},
                new double[] {k.b()}, 1, s, t);
        double[] x = doubleXs(s[0] * t[0], Double.isFinite(t[0]));
        double[] dy = new double[x.length];
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < dy.length; i++) {
            dy[i] = i % 7 == 0 ? Double.NEGATIVE_INFINITY : random.nextDouble(-4, 4);
        }
        DoubleVector vs = DoubleVector.broadcast(Lanes.DOUBLES, s[0]);
        DoubleVector vt = DoubleVector.broadcast(Lanes.DOUBLES, t[0]);
        for (int i = 0; i < Lanes.DOUBLES.loopBound(x.length); i += Lanes.DOUBLES.length()) {
            DoubleVector vx = DoubleVector.fromArray(Lanes.DOUBLES, x, i);
            DoubleVector vdy = DoubleVector.fromArray(Lanes.DOUBLES, dy, i);
            double[] bySignBit = Lanes.gatedBySignBit(vx, vdy, vs, vt, slope).toArray();
            double[] byComparison = Lanes.gatedByComparison(vx, vdy, vs, vt, slope).toArray();
            for (int lane = 0; lane < bySignBit.length; lane++) {
                final int at = i + lane;
                assertEquals(Double.doubleToRawLongBits(byComparison[lane]),
                        Double.doubleToRawLongBits(bySignBit[lane]),
                        () -> "x = " + x[at] + ", dy = " + dy[at] + ", t = " + t[0]);
            }
        }
    }

    /**
     * @return x around {@code kink} (the threshold on x's own scale), zeros, extremes and random bits, all finite but
     * the infinities where the threshold is finite (x and t infinite alike is where the forms may differ)
     */
    private static float[] floatXs(float kink, boolean withInfinities) {
        List<Float> xs = new ArrayList<>(List.of(0f, -0f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE,
                -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL));
        if (withInfinities) {
            xs.addAll(List.of(Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY));
        }
        float up = kink, down = kink;
        for (int i = 0; i < STEPS; i++, up = Math.nextUp(up), down = Math.nextDown(down)) {
            xs.add(up);
            xs.add(down);
        }
        SplittableRandom random = new SplittableRandom(7);
        while (xs.size() < 2 * STEPS + RANDOM_X) {
            float x = Float.intBitsToFloat(random.nextInt());
            if (Float.isFinite(x)) {
                xs.add(x);
            }
        }
        float[] result = new float[xs.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = Float.isFinite(xs.get(i)) || withInfinities ? xs.get(i) : 0f;
        }
        return result;
    }

    private static double[] doubleXs(double kink, boolean withInfinities) {
        List<Double> xs = new ArrayList<>(List.of(0d, -0d, Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE,
                -Double.MIN_VALUE, Double.MIN_NORMAL, -Double.MIN_NORMAL));
        if (withInfinities) {
            xs.addAll(List.of(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY));
        }
        double up = kink, down = kink;
        for (int i = 0; i < STEPS; i++, up = Math.nextUp(up), down = Math.nextDown(down)) {
            xs.add(up);
            xs.add(down);
        }
        SplittableRandom random = new SplittableRandom(7);
        while (xs.size() < 2 * STEPS + RANDOM_X) {
            double x = Double.longBitsToDouble(random.nextLong());
            if (Double.isFinite(x)) {
                xs.add(x);
            }
        }
        double[] result = new double[xs.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = Double.isFinite(xs.get(i)) || withInfinities ? xs.get(i) : 0d;
        }
        return result;
    }
}
