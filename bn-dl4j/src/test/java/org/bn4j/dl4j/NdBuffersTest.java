package org.bn4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Buffers see exactly an array's values in row-major order, and contiguous arrays are used in place. */
class NdBuffersTest {
    private static INDArray matrix() {
        return TestArrays.uniform(DataType.FLOAT, 1, -1, 1, 6, 5);
    }

    static Stream<Arguments> arrays() {
        INDArray m = matrix();
        return Stream.of(
                Arguments.of("fresh", m, true),
                Arguments.of("row-range view with an offset", m.get(NDArrayIndex.interval(2, 5), NDArrayIndex.all()),
                        true),
                Arguments.of("single row view", m.getRow(4), true),
                Arguments.of("column range view", m.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 3)), false),
                Arguments.of("'f' order", m.dup('f'), false),
                Arguments.of("permuted", m.permute(1, 0), false),
                Arguments.of("double data", m.castTo(DataType.DOUBLE), false));
    }

    // INDArray is AutoCloseable: JUnit would close the shared parent after the first case.
    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("arrays")
    void usableMemoryHoldsTheValuesInRowMajorOrder(String name, INDArray a, boolean inPlace) {
        INDArray usable = NdBuffers.usable(a, DataType.FLOAT);
        double[] memory = NdBuffers.read(usable);

        float[] expected = a.castTo(DataType.FLOAT).dup('c').data().asFloat();
        assertEquals(expected.length, memory.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], memory[i], name + " at " + i);
        }
        assertEquals(inPlace, usable == a, "used in place");
    }

    @Test
    void writesThroughTheMemoryOfAViewLandInItsParentOnly() {
        INDArray m = matrix();
        INDArray before = m.dup();
        INDArray rows = m.get(NDArrayIndex.interval(2, 4), NDArrayIndex.all());
        assertSame(rows, NdBuffers.usable(rows, DataType.FLOAT));

        NdBuffers.write(rows, new double[] {100, 101, 102, 103, 104, 105, 106, 107, 108, 109});

        assertEquals(100f, m.getFloat(2, 0));
        assertEquals(109f, m.getFloat(3, 4));
        assertEquals(before.getRow(1), m.getRow(1), "row before the view untouched");
        assertEquals(before.getRow(4), m.getRow(4), "row after the view untouched");
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("arrays")
    void writtenValuesLandInTheArrayInRowMajorOrder(String name, INDArray a, boolean inPlace) {
        double[] values = new double[(int) a.length()];
        for (int i = 0; i < values.length; i++) {
            values[i] = 0.5 + i;
        }
        assertSame(a, NdBuffers.write(a, values));
        double[] written = a.dup('c').castTo(DataType.DOUBLE).data().asDouble();
        for (int i = 0; i < values.length; i++) {
            assertEquals(values[i], written[i], name + " at " + i);
        }
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("arrays")
    void readValuesAreTheArraysInRowMajorOrder(String name, INDArray a, boolean inPlace) {
        double[] expected = a.dup('c').castTo(DataType.DOUBLE).data().asDouble();
        double[] read = NdBuffers.read(a);
        assertEquals(expected.length, read.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], read[i], name + " at " + i);
        }
    }

    @Test
    void workspaceArraysAreUsedInPlace() {
        WorkspaceConfiguration conf = WorkspaceConfiguration.builder().initialSize(1 << 20).build();
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(conf, "NdBuffersTest")) {
            Nd4j.create(DataType.FLOAT, 7);   // something before, so the array does not start the workspace
            INDArray a = Nd4j.createFromArray(new float[] {1, 2, 3, 4, 5, 6}).reshape(2, 3);
            assertTrue(a.isAttached());
            INDArray usable = NdBuffers.usable(a, DataType.FLOAT);
            assertSame(a, usable);
            assertEquals(4.0, NdBuffers.read(usable)[3]);
            NdBuffers.write(usable, new double[] {1, 2, 3, 4, 5, -6});
            assertEquals(-6f, a.getFloat(1, 2));
        }
    }
}
