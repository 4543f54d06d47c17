package org.bn4j.core;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Shapes for parameterized tests: every layout, with 1 channel, odd and prime sizes, spatial size 1,
 * planes larger than a kernel block, planes small enough to be grouped by channel, wide rows, large N, and tensors
 * big enough for the parallel path.
 */
final class Shapes {
    private Shapes() {
    }

    static List<Shape> all() {
        List<Shape> shapes = new ArrayList<>();
        // [N, C]
        shapes.add(Shape.of(Layout.NC, 2, 1));
        shapes.add(Shape.of(Layout.NC, 7, 3));
        shapes.add(Shape.of(Layout.NC, 13, 29));
        shapes.add(Shape.of(Layout.NC, 4099, 17));      // large N, parallel path, C not a multiple of 8
        shapes.add(Shape.of(Layout.NC, 150, 300));      // rows so wide that groups hold their fewest rows, the last ragged
        // sequences
        for (Layout layout : new Layout[] {Layout.NCW, Layout.NWC}) {
            shapes.add(Shape.of(layout, 2, 1, 3));
            shapes.add(Shape.of(layout, 5, 3, 7));
            shapes.add(Shape.of(layout, 3, 4, 1));        // spatial size 1
            shapes.add(Shape.of(layout, 97, 11, 67));     // parallel path
        }
        shapes.add(Shape.of(Layout.NCW, 9, 450, 5));      // tiny planes: blocks of 410 channels, the last ragged
        // images
        shapes.add(Shape.of(Layout.NCHW, 2, 1, 3, 3));
        shapes.add(Shape.of(Layout.NHWC, 2, 1, 3, 3));
        shapes.add(Shape.of(Layout.NCHW, 3, 5, 7, 11));
        shapes.add(Shape.of(Layout.NHWC, 3, 5, 7, 11));
        shapes.add(Shape.of(Layout.NCHW, 4, 3, 1, 1));
        shapes.add(Shape.of(Layout.NHWC, 4, 3, 1, 1));
        shapes.add(Shape.of(Layout.NCHW, 2, 2, 131, 127)); // planes larger than one block
        shapes.add(Shape.of(Layout.NHWC, 37, 13, 13, 11)); // parallel path
        shapes.add(Shape.of(Layout.NCHW, 37, 13, 13, 11));
        shapes.add(Shape.of(Layout.NCHW, 17, 25, 14, 14)); // small planes: blocks of 11 channels, the last ragged
        // volumes
        for (Layout layout : new Layout[] {Layout.NCDHW, Layout.NDHWC}) {
            shapes.add(Shape.of(layout, 2, 1, 2, 3, 3));
            shapes.add(Shape.of(layout, 3, 2, 3, 5, 7));
            shapes.add(Shape.of(layout, 2, 3, 1, 1, 1));
            shapes.add(Shape.of(layout, 5, 7, 9, 11, 13)); // parallel path
        }
        return shapes;
    }

    /** Every shape with every data type. */
    static Stream<Arguments> withDataTypes() {
        return all().stream().flatMap(s -> Stream.of(DataType.values()).map(type -> Arguments.of(s, type)));
    }

    /** Small shapes of every layout, for finite differences (cost grows with the square of the size). */
    static Stream<Shape> small() {
        return Stream.of(
                Shape.of(Layout.NC, 5, 3),
                Shape.of(Layout.NCW, 3, 2, 4), Shape.of(Layout.NWC, 3, 2, 4),
                Shape.of(Layout.NCHW, 2, 3, 2, 3), Shape.of(Layout.NHWC, 2, 3, 2, 3),
                Shape.of(Layout.NCHW, 5, 2, 1, 1),
                Shape.of(Layout.NCDHW, 2, 2, 2, 1, 3), Shape.of(Layout.NDHWC, 2, 2, 2, 1, 3));
    }
}
