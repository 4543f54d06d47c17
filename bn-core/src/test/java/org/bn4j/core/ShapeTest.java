package org.bn4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ShapeTest {
    @Test
    void rankMustMatchTheLayout() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shape.of(Layout.NCHW, 2, 3, 4));
        assertEquals("layout NCHW needs 4 dimensions [N, C, H, W] but got 3: [2, 3, 4]", e.getMessage());
    }

    @Test
    void dimensionsMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shape.of(Layout.NWC, 2, 0, 4));
        assertEquals("dimension 1 of NWC[2, 0, 4] must be at least 1", e.getMessage());
    }

    @Test
    void sizeMustFitAJavaArray() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Shape.of(Layout.NCHW, 1024, 1024, 64, 64));
        assertTrue(e.getMessage().contains("more than a Java array can hold"), e.getMessage());
    }

    @Test
    void channelsAreFoundOnTheLayoutsAxis() {
        Shape ndhwc = Shape.of(Layout.NDHWC, 2, 3, 4, 5, 6);
        assertEquals(6, ndhwc.channels());
        assertEquals(60, ndhwc.spatial());
        assertEquals(120, ndhwc.valuesPerChannel());
        Shape nc = Shape.of(Layout.NC, 7, 9);
        assertEquals(9, nc.channels());
        assertEquals(1, nc.spatial());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.bn4j.core.Shapes#all")
    void channelOfAgreesWithTheMultiIndex(Shape shape) {
        int[] expected = new ReferenceBatchNorm(shape).channelOf;
        for (int i = 0; i < shape.size(); i++) {
            assertEquals(expected[i], shape.channelOf(i), "index " + i);
        }
    }
}
