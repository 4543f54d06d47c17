package org.bn4j.bench;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.bn4j.core.Layout;
import org.bn4j.core.Shape;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;

/**
 * A benchmark shape written as {@code LAYOUT:d0,d1,...}, for example {@code NCHW:32,64,56,56}, or with {@code x} between
 * the sizes ({@code NCHW:32x64x56x56}) where commas would be taken apart, as on JMH's command line.
 */
record BenchShape(Layout layout, int[] dims) {
    static BenchShape parse(String text) {
        String[] parts = text.split(":");
        return new BenchShape(Layout.valueOf(parts[0]),
                Arrays.stream(parts[1].split("[,x]")).mapToInt(Integer::parseInt).toArray());
    }

    /** @return the shape as {@code LAYOUT:d0,d1,...}, however it was written */
    String name() {
        return layout + ":" + Arrays.stream(dims).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }

    Shape shape() {
        return Shape.of(layout, dims);
    }

    long[] longDims() {
        return Arrays.stream(dims).asLongStream().toArray();
    }

    /** @return the DL4J input type of an activation of this shape */
    InputType inputType() {
        switch (layout) {
            case NC:
                return InputType.feedForward(dims[1]);
            case NCW:
                return InputType.recurrent(dims[1], dims[2], RNNFormat.NCW);
            case NWC:
                return InputType.recurrent(dims[2], dims[1], RNNFormat.NWC);
            case NCHW:
                return InputType.convolutional(dims[2], dims[3], dims[1], CNN2DFormat.NCHW);
            case NHWC:
                return InputType.convolutional(dims[1], dims[2], dims[3], CNN2DFormat.NHWC);
            default:
                throw new IllegalArgumentException("no benchmark input type for " + layout);
        }
    }
}
