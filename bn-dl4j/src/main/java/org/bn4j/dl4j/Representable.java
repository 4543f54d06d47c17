package org.bn4j.dl4j;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.longer.MatchCondition;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * Whether results computed in double fit the network's data type. bn-core computes statistics in double, so
 * finite float input can give a running variance (or a gradient, or an output) beyond {@link Float#MAX_VALUE}
 * (inputs around 1e20 already do): stored in a float network it would become an infinity. Under
 * {@link org.bn4j.core.NonFinitePolicy#REJECT} the layer refuses such a result before anything is written.
 */
final class Representable {
    private final DataType type;
    private final double max;

    Representable(DataType type) {
        this.type = type;
        this.max = largest(type);
    }

    /** @throws IllegalArgumentException naming {@code what} and the first channel whose value does not fit */
    void requireChannels(String what, double[] values) {
        for (int ch = 0; ch < values.length; ch++) {
            if (!(Math.abs(values[ch]) <= max)) {
                throw new IllegalArgumentException(what + " of channel " + ch + " is " + values[ch] + ", which "
                        + type + " cannot hold (largest " + max + "); rescale the input");
            }
        }
    }

    /**
     * @throws IllegalArgumentException naming {@code what} when the array, computed from finite values, holds
     *                                  NaN or an infinity: a result the data type cannot hold
     */
    void requireFinite(String what, INDArray array) {
        // A finite sum proves every element finite; only a non-finite one needs the exact count.
        if (Double.isFinite(array.sumNumber().doubleValue())) {
            return;
        }
        long bad = Nd4j.getExecutioner().exec(new MatchCondition(array, Conditions.isNan())).getLong(0)
                + Nd4j.getExecutioner().exec(new MatchCondition(array, Conditions.isInfinite())).getLong(0);
        if (bad > 0) {
            throw new IllegalArgumentException(what + " has " + bad + " values that " + array.dataType()
                    + " cannot hold (beyond " + largest(array.dataType()) + "), from finite input; rescale the input");
        }
    }

    /** @return the largest finite value of the data type */
    double largest() {
        return max;
    }

    private static double largest(DataType type) {
        switch (type) {
            case DOUBLE:
                return Double.MAX_VALUE;
            case HALF:
                return 65504.0;
            case BFLOAT16:
                return 3.3895313892515355e38;
            default:
                return Float.MAX_VALUE;
        }
    }
}
