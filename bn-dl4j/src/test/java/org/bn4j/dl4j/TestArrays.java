package org.bn4j.dl4j;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Seeded test arrays. ND4J's global generator is not used: after a network's {@code init()},
 * {@code Nd4j.getRandom().setSeed(s)} followed by {@code Nd4j.rand(...)} does not give the same data twice.
 */
final class TestArrays {
    private TestArrays() {
    }

    /** @return values uniform in [lo, hi), in row-major order, of the given type and shape */
    static INDArray uniform(DataType type, long seed, double lo, double hi, long... shape) {
        SplittableRandom random = new SplittableRandom(seed);
        long length = 1;
        for (long d : shape) {
            length *= d;
        }
        double[] values = new double[(int) length];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble(lo, hi);
        }
        return Nd4j.createFromArray(values).reshape('c', shape).castTo(type);
    }
}
