package org.bn4j.dl4j;

import org.bn4j.core.Layout;
import org.bn4j.core.Shape;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The unmasked positions of a masked sequence ({@code [N, T]} mask) or batch ({@code [N]} or {@code [N, 1]} mask).
 * Batch normalization over a mask is plain batch normalization over the kept positions only: they are gathered
 * into {@code [K, C]} rows for bn-core, and the results scattered back with zeros at masked positions.
 */
final class StepMask {
    private final int[] kept;
    private final int positions;

    private StepMask(int[] kept, int positions) {
        this.kept = kept;
        this.positions = positions;
    }

    /**
     * @param mask  DL4J's mask for the input: 1 (or any non-zero) keeps a position, 0 masks it
     * @param shape the input's shape: NC, NCW or NWC
     * @param where names the layer in error messages
     */
    static StepMask of(INDArray mask, Shape shape, String where) {
        Layout layout = shape.layout();
        if (layout != Layout.NC && layout != Layout.NCW && layout != Layout.NWC) {
            throw new IllegalArgumentException(
                    where + ": masks are supported for [N, C] and sequence input, not " + layout
                            + "; remove the mask or mask after this layer");
        }
        int positions = shape.batch() * shape.spatial();
        if (mask.length() != positions) {
            throw new IllegalArgumentException(where + ": mask has shape " + java.util.Arrays.toString(mask.shape())
                    + " but " + shape + " needs one value per " + (layout == Layout.NC ? "example [N]" : "step [N, T]")
                    + " (" + positions + ")");
        }
        double[] values = NdBuffers.read(mask);
        int count = 0;
        for (double v : values) {
            count += v != 0 ? 1 : 0;
        }
        int[] kept = new int[count];
        for (int i = 0, k = 0; i < values.length; i++) {
            if (values[i] != 0) {
                kept[k++] = i;
            }
        }
        return new StepMask(kept, positions);
    }

    /** @return the bn-core shape of the gathered rows, {@code NC[K, C]} */
    Shape keptShape(int channels) {
        return Shape.of(Layout.NC, Math.max(1, kept.length), channels);
    }

    boolean keepsNothing() {
        return kept.length == 0;
    }

    /** @return the kept positions of {@code a} as {@code [K, C]} rows, in position order */
    INDArray gather(INDArray a, Shape shape) {
        return Nd4j.pullRows(rows(a, shape), 1, kept);
    }

    /** Writes {@code keptRows} ({@code [K, C]}) to the kept positions of {@code target} and zeros everywhere else. */
    void scatter(INDArray keptRows, Shape shape, INDArray target) {
        INDArray all = Nd4j.zeros(keptRows.dataType(), positions, shape.channels());
        if (kept.length > 0) {
            // all[kept[k], :] = keptRows[k, :]
            Nd4j.getExecutioner().exec(DynamicCustomOp.builder("scatter_upd")
                    .addInputs(all, Nd4j.createFromArray(kept), keptRows).addOutputs(all).build());
        }
        target.assign(fromRows(all, shape));
    }

    /** One row per position: [N*T, C]. */
    private static INDArray rows(INDArray a, Shape shape) {
        INDArray channelsLast = shape.layout() == Layout.NCW ? a.permute(0, 2, 1) : a;
        return channelsLast.dup('c').reshape('c', (long) shape.batch() * shape.spatial(), shape.channels());
    }

    private static INDArray fromRows(INDArray rows, Shape shape) {
        switch (shape.layout()) {
            case NCW:
                return rows.reshape('c', shape.batch(), shape.spatial(), shape.channels()).permute(0, 2, 1);
            case NWC:
                return rows.reshape('c', shape.batch(), shape.spatial(), shape.channels());
            default:
                return rows;
        }
    }
}
