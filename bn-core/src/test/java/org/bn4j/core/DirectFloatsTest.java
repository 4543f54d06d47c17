package org.bn4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** {@link Values#ofDirectFloats}: what it accepts, and that bn-core reads and writes exactly its window of memory. */
class DirectFloatsTest {
    private final BatchNormalizer bn = new BatchNormalizer(BatchNormConfig.defaults());
    private final Shape shape = Shape.of(Layout.NCHW, 2, 3, 4, 5);

    @Test
    void aHeapBufferIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Values.ofDirectFloats(ByteBuffer.allocate(16)));
        assertTrue(e.getMessage().contains("direct ByteBuffer"), e.getMessage());
    }

    @Test
    void aBufferOfPartFloatsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Values.ofDirectFloats(ByteBuffer.allocateDirect(18)));
        assertTrue(e.getMessage().contains("18 bytes"), e.getMessage());
    }

    @Test
    void theLengthCountsTheFloatsBetweenPositionAndLimit() {
        ByteBuffer bytes = ByteBuffer.allocateDirect(40).position(8).limit(32);
        assertEquals(6, Values.ofDirectFloats(bytes).length());
        assertEquals(8, bytes.position(), "the caller's position is not moved");
    }

    @Test
    void aReadOnlyOutputIsRefusedBeforeAnythingIsComputed() {
        Values x = floats(shape.size(), 0);
        Values y = Values.ofDirectFloats(ByteBuffer.allocateDirect(shape.size() * 4).asReadOnlyBuffer());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> bn.forwardTraining(x, shape, gamma(), new double[3], null, y));
        assertTrue(e.getMessage().contains("y is read-only"), e.getMessage());
    }

    @Test
    void aLengthMismatchNamesTheArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> bn.forwardTraining(floats(shape.size() - 1, 0), shape, gamma(), new double[3], null,
                        floats(shape.size(), 0)));
        assertTrue(e.getMessage().startsWith("x has " + (shape.size() - 1) + " values"), e.getMessage());
    }

    @Test
    void valuesAroundTheWindowAreNeitherReadNorWritten() {
        int pad = 5;
        ByteBuffer bytes = ByteBuffer.allocateDirect((shape.size() + 2 * pad) * 4).order(ByteOrder.nativeOrder());
        for (int i = 0; i < shape.size() + 2 * pad; i++) {
            bytes.putFloat(4 * i, i < pad || i >= pad + shape.size() ? Float.NaN : i % 7);
        }
        Values x = Values.ofDirectFloats(bytes.duplicate().position(4 * pad).limit(4 * (pad + shape.size())));
        ByteBuffer out = ByteBuffer.allocateDirect((shape.size() + 2 * pad) * 4).order(ByteOrder.nativeOrder());
        Values y = Values.ofDirectFloats(out.duplicate().position(4 * pad).limit(4 * (pad + shape.size())));

        bn.forwardTraining(x, shape, gamma(), new double[3], null, y);   // the NaN padding would be rejected if read

        for (int i = 0; i < pad; i++) {
            assertEquals(0f, out.getFloat(4 * i), "before the window");
            assertEquals(0f, out.getFloat(4 * (pad + shape.size() + i)), "after the window");
        }
    }

    private static double[] gamma() {
        return new double[] {1, 1, 1};
    }

    private static Values floats(int n, float value) {
        ByteBuffer bytes = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder());
        for (int i = 0; i < n; i++) {
            bytes.putFloat(4 * i, value + i);
        }
        return Values.ofDirectFloats(bytes);
    }
}
