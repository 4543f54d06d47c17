package org.bn4j.core.kernel;

import org.bn4j.core.storage.Data;

/**
 * Channels-last tensors ({@code NC}, {@code NWC}, {@code NHWC}, {@code NDHWC}) and
 * channels-first ones with one value per plane: element {@code (row, ch)} sits at {@code row * C + ch}, with
 * {@code N * spatial} rows.
 *
 * <p>A task is a group of consecutive rows, about {@link Kernel#BLOCK_VALUES} values (at least
 * {@link #MIN_GROUP_ROWS} rows) and one contiguous segment, that owns one partial slot per channel. Statistics take
 * one pass, the deviations from the task's first row ({@link Moments#writeDeviations}). Sums run down the rows per
 * channel; elementwise loops run over a tile of {@code tileRows} rows at once, about {@link #TILE_VALUES} values,
 * with per-channel coefficients repeated once per row of the tile (see {@link FloatRowKernel}). Passes over memory as
 * in {@link PlanarKernel}.
 */
abstract class RowKernel<A> implements Kernel<A> {
    final int c;
    private final int rows;
    private final int rowsPerGroup;
    private final int groups;
    /** Rows per inner loop; {@code tile = tileRows * c} values. */
    final int tileRows;
    final int tile;
    /**
     * Values per inner loop of the gradient through an activation's gate: half a tile's rows (at least one row), for
     * that loop reads two per-channel arrays more than the others, the gate's sign and threshold (see
     * docs/performance.md, design decisions).
     */
    final int gatedTile;

    /** Target number of values in one inner loop. */
    static final int TILE_VALUES = 1024;

    /**
     * Fewest rows per group, so a block may exceed {@link Kernel#BLOCK_VALUES} when rows are wide: each (group,
     * channel) slot costs divisions to finish and merge, which dominate short groups of wide rows, while a group
     * much longer no longer fits the core's cache in the backward pass (docs/performance.md, design decisions).
     */
    static final int MIN_GROUP_ROWS = 64;

    RowKernel(Dims dims) {
        this.rows = dims.batch() * dims.spatial();
        this.c = dims.channels();
        this.rowsPerGroup = Math.max(MIN_GROUP_ROWS, BLOCK_VALUES / c);
        this.groups = (rows + rowsPerGroup - 1) / rowsPerGroup;
        this.tileRows = Math.max(1, Math.min(rowsPerGroup, TILE_VALUES / c));
        this.tile = tileRows * c;
        this.gatedTile = Math.max(1, tileRows / 2) * c;
    }

    @Override
    public int tasks() {
        return groups;
    }

    @Override
    public int groups() {
        return groups;
    }

    /** @return the flat index of the task's first value */
    final int start(int task) {
        return task * rowsPerGroup * c;
    }

    /** @return the number of rows in the task */
    final int rowCount(int task) {
        return Math.min(rows, (task + 1) * rowsPerGroup) - task * rowsPerGroup;
    }

    @Override
    public double largestMagnitude(Data<A> x, int task) {
        return largestMagnitude(x, start(task), rowCount(task) * c);
    }

    /** @return {@code coefficients}, its first row of per-channel values repeated once per row of a tile */
    final <T> T tiled(T coefficients) {
        for (int r = 1; r < tileRows; r++) {
            System.arraycopy(coefficients, 0, coefficients, r * c, c);
        }
        return coefficients;
    }
}
