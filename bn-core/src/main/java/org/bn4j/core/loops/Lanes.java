package org.bn4j.core.loops;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The species of every vector loop and the small per-vector steps they share: widening floats to double lanes,
 * adding lanes in a fixed order, magnitudes as integer bits, the leaky ReLU and its gate. Loaded only when the JVM
 * has {@code jdk.incubator.vector}.
 */
final class Lanes {
    /**
     * The float vectors of every vector loop: the JVM's preferred width, or {@code -Dbn4j.vectorBits} (64 to 512). A
     * width the CPU lacks runs in the Vector API's plain-Java fallback, many times slower but with the same results,
     * so that one machine can check the results of another's width (see {@code CrossJdkReproducibilityTest}).
     */
    static final VectorSpecies<Float> FLOATS = floatSpecies();
    /** Double lanes in the same vector width: a float vector widens into exactly two of them. */
    static final VectorSpecies<Double> DOUBLES = VectorSpecies.of(double.class, FLOATS.vectorShape());
    /** Float lanes per double vector: the floats that one widening converts (see {@link FloatArrayMemory#widened}). */
    static final int HALF = DOUBLES.length();
    /** Lane {@code i} takes lane {@code (i + HALF) mod length}: the halves of a float vector swapped. */
    private static final VectorShuffle<Float> SECOND_HALF_FIRST = VectorShuffle.fromOp(FLOATS,
            i -> (i + HALF) % FLOATS.length());
    /** The bits of {@link #FLOATS} as integers, for magnitudes. */
    static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, FLOATS.vectorShape());
    /**
     * Below this many values a run's sums take the scalar loops. Kept low so that short planes (NCW sequences of a few
     * dozen steps) still run their sums on vectors.
     */
    static final int MIN_VECTOR_VALUES = 16;
    /**
     * Whether {@link #gated} takes the gate from the sign bit of {@code t - s * x} rather than from a comparison: on
     * JDK 17 at 512 bits, where a comparison's result is a mask register that C2 copies into a vector and back before
     * each blend. From JDK 18 C2 blends from the mask register, and at narrower widths from a vector register: there
     * the comparison is the faster form. The two give the same bits for every finite x.
     */
    private static final boolean SIGN_BIT_GATE = Runtime.version().feature() < 18 && FLOATS.vectorBitSize() == 512;

    private Lanes() {
    }

    private static VectorSpecies<Float> floatSpecies() {
        final String bits = System.getProperty("bn4j.vectorBits");
        return bits == null ? FloatVector.SPECIES_PREFERRED
                : VectorSpecies.of(float.class, VectorShape.forBitSize(Integer.parseInt(bits)));
    }

    /**
     * @return the lanes of {@code v} added in lane order. {@code reduceLanes(ADD)} leaves the order to the JDK, and
     * JDK 17 and JDK 25 add in different orders (a different last bit), so results would depend on the JDK.
     */
    static double sumOfLanes(DoubleVector v) {
        double sum = 0;
        for (int lane = 0; lane < v.length(); lane++) {
            sum += v.lane(lane);
        }
        return sum;
    }

    /** {@code sums[from ..] += v}, lane by lane. */
    static void addInto(double[] sums, int from, DoubleVector v) {
        DoubleVector.fromArray(v.species(), sums, from).add(v).intoArray(sums, from);
    }

    /** @return the first {@link #HALF} lanes of {@code v} widened to double */
    static DoubleVector firstHalf(FloatVector v) {
        return (DoubleVector) v.convertShape(VectorOperators.F2D, DOUBLES, 0);
    }

    /**
     * @return the last {@link #HALF} lanes of {@code v} widened to double: moved to the front by one permutation, then
     * widened as the first half (not {@code convertShape}'s part 1, which C2 compiles worse: see
     * {@link FloatArrayMemory#widened})
     */
    static DoubleVector secondHalf(FloatVector v) {
        return firstHalf(v.rearrange(SECOND_HALF_FIRST));
    }

    /**
     * @return the bits of {@code |v|} as integers. Their integer order is the order of the magnitudes, with infinity
     * above every finite value and NaN above infinity, so an integer maximum finds the largest magnitude and carries
     * NaN in one cycle, where a float maximum with Java's NaN and signed-zero rules takes several instructions.
     */
    static IntVector magnitudeBits(FloatVector v) {
        return v.reinterpretAsInts().and(Integer.MAX_VALUE);
    }

    /** @return the magnitude whose bits are the largest lane of {@code bits} (see {@link #magnitudeBits}) */
    static double largestOf(IntVector bits) {
        return Float.intBitsToFloat(bits.reduceLanes(VectorOperators.MAX));
    }

    // --- the activation, with the operations of LeakyRelu's scalar forms, so results equal theirs bit for bit

    /** @return {@code act(v)}: {@code max(v, 0)} for ReLU, {@code max(v, slope * v)} for leaky ReLU */
    static FloatVector activated(FloatVector v, float slope) {
        return slope == 0 ? v.max(0f) : v.max(v.mul(slope));
    }

    static DoubleVector activated(DoubleVector v, double slope) {
        return slope == 0 ? v.max(0d) : v.max(v.mul(slope));
    }

    /**
     * @return {@code s * x > t ? dy : slope * dy}, lane by lane: the activation's gradient, with the gate of
     * {@link GateThreshold}, in the form that is the faster at this vector width ({@link #SIGN_BIT_GATE})
     */
    static FloatVector gated(FloatVector x, FloatVector dy, FloatVector s, FloatVector t, float slope) {
        return SIGN_BIT_GATE ? gatedBySignBit(x, dy, s, t, slope) : gatedByComparison(x, dy, s, t, slope);
    }

    static DoubleVector gated(DoubleVector x, DoubleVector dy, DoubleVector s, DoubleVector t, double slope) {
        return SIGN_BIT_GATE ? gatedBySignBit(x, dy, s, t, slope) : gatedByComparison(x, dy, s, t, slope);
    }

    static FloatVector gatedByComparison(FloatVector x, FloatVector dy, FloatVector s, FloatVector t, float slope) {
        return dy.mul(slope).blend(dy, x.mul(s).compare(VectorOperators.GT, t));
    }

    static DoubleVector gatedByComparison(DoubleVector x, DoubleVector dy, DoubleVector s, DoubleVector t,
                                          double slope) {
        return dy.mul(slope).blend(dy, x.mul(s).compare(VectorOperators.GT, t));
    }

    // s * x is exact (s is 1 or -1), so t - s * x, one rounding, is below zero exactly where s * x > t, and its sign
    // bit is set there and nowhere else: it is -0 only where t is -0, which GateThreshold never gives. The sign bit,
    // shifted across the lane, chooses the factor's bits: 1 where the gate is open, else the slope's. Where x is NaN,
    // or x and t are infinities alike, t - s * x is NaN and the gate may open where the comparison's stays shut: dx is
    // not finite either way.

    static FloatVector gatedBySignBit(FloatVector x, FloatVector dy, FloatVector s, FloatVector t, float slope) {
        final IntVector open = x.fma(s.neg(), t).reinterpretAsInts().lanewise(VectorOperators.ASHR, 31);
        final int slopeBits = Float.floatToRawIntBits(slope);
        final IntVector factor = slope == 0 ? open.and(LeakyRelu.FLOAT_ONE)
                : open.and(LeakyRelu.FLOAT_ONE ^ slopeBits).lanewise(VectorOperators.XOR, slopeBits);
        return dy.mul(factor.reinterpretAsFloats());
    }

    static DoubleVector gatedBySignBit(DoubleVector x, DoubleVector dy, DoubleVector s, DoubleVector t,
                                       double slope) {
        final LongVector open = x.fma(s.neg(), t).reinterpretAsLongs().lanewise(VectorOperators.ASHR, 63);
        final long slopeBits = Double.doubleToRawLongBits(slope);
        final LongVector factor = slope == 0 ? open.and(LeakyRelu.DOUBLE_ONE)
                : open.and(LeakyRelu.DOUBLE_ONE ^ slopeBits).lanewise(VectorOperators.XOR, slopeBits);
        return dy.mul(factor.reinterpretAsDoubles());
    }
}
