package org.bn4j.core.kernel;

import org.bn4j.core.loops.Loops;
import org.bn4j.core.storage.Data;

/**
 * Channels-last tensors ({@code NC}, {@code NWC}, {@code NHWC}, {@code NDHWC}) and
 * channels-first ones with one value per plane: element {@code (row, ch)} sits at {@code row * C + ch}, with
 * {@code N * spatial} rows.
 *
 * <p>A task is a group of consecutive rows, about {@link Kernel#BLOCK_VALUES} values (at least
 * {@link #MIN_GROUP_ROWS} rows) and one contiguous segment, that owns one partial slot per channel. Statistics take
 * one pass, the deviations from the task's first row ({@link Moments#ofDeviations}). Sums run down the rows per
 * channel; elementwise loops run over a tile of {@code tileRows} rows at once, about {@link #TILE_VALUES} values,
 * with per-channel coefficients repeated once per row of the tile (both through {@link Loops}). Passes over memory
 * as in {@link PlanarKernel}.
 */
abstract class RowKernel<A> implements Kernel<A> {
    final int c;
    private final int rows;
    private final int rowsPerGroup;
    private final int groups;
    /** Rows per inner loop; {@code tile = tileRows * c} values. */
    final int tileRows;
    final int tile;

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

    /** @return the per-channel values repeated once per row of a tile, written into {@code out} */
    final <T> T tiled(T perChannel, T out) {
        for (int r = 0; r < tileRows; r++) {
            System.arraycopy(perChannel, 0, out, r * c, c);
        }
        return out;
    }

    // The passes below stage the task's rows through arrays (Data#read, #writable) and leave the loops to the element
    // type's hooks, which hand them to Loops.

    @Override
    public final void moments(Data<A> x, int task, double[] count, double[] mean, double[] m2) {
        final int start = start(task), rowCount = rowCount(task), len = rowCount * c;
        final A xa = x.read(start, len, 0);
        final double[] shift = new double[c];
        for (int ch = 0; ch < c; ch++) {
            shift[ch] = x.valueAt(start + ch);
        }
        final double[] sumD = new double[c];
        final double[] sumD2 = new double[c];
        addRowDeviations(xa, x.offset(start), rowCount, shift, sumD, sumD2);
        final int slot = task * c;
        for (int ch = 0; ch < c; ch++) {
            Moments.ofDeviations(rowCount, shift[ch], sumD[ch], sumD2[ch]).writeTo(slot + ch, count, mean, m2);
        }
    }

    @Override
    public void normalize(Data<A> x, Data<A> y, int task, A centerHi, A centerLo, A scale, A shift,
                          double activationSlope) {
        final int start = start(task), rowCount = rowCount(task), len = rowCount * c;
        final A xa = x.read(start, len, 0);
        final A ya = y.writable(start, len, 1);
        final int o = x.offset(start);
        if (Kernel.isIdentity(activationSlope)) {
            for (int r = 0; r < rowCount; r += tileRows) {
                normalizeTile(xa, ya, o + r * c, Math.min(tileRows, rowCount - r) * c, centerHi, centerLo, scale,
                        shift);
            }
        } else {
            for (int r = 0; r < rowCount; r += tileRows) {
                normalizeActivatedTile(xa, ya, o + r * c, Math.min(tileRows, rowCount - r) * c, centerHi, centerLo,
                        scale, shift, activationSlope);
            }
        }
        y.written(start, len, ya);
    }

    @Override
    public final void gradSums(Data<A> x, Data<A> dy, int task, double[] mean, double[] sumDy, double[] sumDyXc,
                               double[] sumDySq, ActivationGate<A> gate) {
        final int start = start(task), rowCount = rowCount(task), len = rowCount * c, slot = task * c;
        final A xa = x.read(start, len, 0);
        final A ga = dy.read(start, len, 1);
        final double[][] sums = new double[3][c];
        if (gate == null) {
            addRowGradSums(xa, ga, x.offset(start), rowCount, mean, sums[0], sums[1], sums[2]);
        } else {
            addRowGatedGradSums(xa, ga, x.offset(start), rowCount, mean, gate, sums[0], sums[1], sums[2]);
        }
        System.arraycopy(sums[0], 0, sumDy, slot, c);
        System.arraycopy(sums[1], 0, sumDyXc, slot, c);
        System.arraycopy(sums[2], 0, sumDySq, slot, c);
    }

    @Override
    public void gradApply(Data<A> x, Data<A> dy, Data<A> dx, int task, A centerHi, A centerLo, A dyScale, A xcScale,
                          A offset, ActivationGate<A> gate) {
        final int start = start(task), rowCount = rowCount(task), len = rowCount * c;
        final A xa = x.read(start, len, 0);
        final A ga = dy.read(start, len, 1);
        final A da = dx.writable(start, len, 2);
        final int o = x.offset(start);
        if (gate == null) {
            for (int r = 0; r < rowCount; r += tileRows) {
                gradApplyTile(xa, ga, da, o + r * c, Math.min(tileRows, rowCount - r) * c, centerHi, centerLo, dyScale,
                        xcScale, offset);
            }
        } else {
            for (int r = 0; r < rowCount; r += tileRows) {
                gatedGradApplyTile(xa, ga, da, o + r * c, Math.min(tileRows, rowCount - r) * c, centerHi, centerLo,
                        dyScale, xcScale, offset, gate);
            }
        }
        dx.written(start, len, da);
    }

    /** See {@link Loops#addRowDeviations(float[], int, int, int, double[], double[], double[])}. */
    abstract void addRowDeviations(A a, int base, int rows, double[] mean, double[] sumD, double[] sumD2);

    /** See {@link Loops#addRowGradSums(float[], float[], int, int, int, double[], double[], double[], double[])}. */
    abstract void addRowGradSums(A x, A dy, int base, int rows, double[] mean, double[] sumDy, double[] sumDyXc,
                                 double[] sumDySq);

    /** See {@link Loops#normalizeTile(float[], float[], int, int, float[], float[], float[], float[])}. */
    abstract void normalizeTile(A x, A y, int base, int n, A hi, A lo, A scale, A shift);

    /** See {@link Loops#gradApplyTile(float[], float[], float[], int, int, float[], float[], float[], float[], float[])}. */
    abstract void gradApplyTile(A x, A dy, A dx, int base, int n, A hi, A lo, A k, A q, A r);

    /** See {@link Loops#normalizeActivatedTile(float[], float[], int, int, float[], float[], float[], float[], float)}. */
    abstract void normalizeActivatedTile(A x, A y, int base, int n, A hi, A lo, A scale, A shift, double slope);

    /** See {@link Loops#addRowGatedGradSums(float[], float[], int, int, int, double[], float[], float[], float[], float[], float, double[], double[], double[])}. */
    abstract void addRowGatedGradSums(A x, A dy, int base, int rows, double[] mean, ActivationGate<A> gate,
                                      double[] sumDy, double[] sumDyXc, double[] sumDySq);

    /** See {@link Loops#gatedGradApplyTile(float[], float[], float[], int, int, float[], float[], float[], float[], float[], float[], float[], float)}. */
    abstract void gatedGradApplyTile(A x, A dy, A dx, int base, int n, A hi, A lo, A k, A q, A r,
                                     ActivationGate<A> gate);
}
