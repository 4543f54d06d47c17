package org.bn4j.core;

/**
 * Channels-last tensors ({@link Layout#NC}, {@link Layout#NWC}, {@link Layout#NHWC}, {@link Layout#NDHWC}) and
 * channels-first ones with one value per plane: element {@code (row, ch)} sits at {@code row * C + ch}, with
 * {@code N * spatial} rows.
 *
 * <p>A task is a group of consecutive rows, about {@link Kernel#BLOCK_VALUES} values (at least
 * {@link #MIN_GROUP_ROWS} rows) and one contiguous segment, that owns one partial slot per channel; the second
 * statistics pass reads cache, not memory. Sums run down the rows per channel; elementwise loops run over a tile of
 * {@code tileRows} rows at once, about {@link #TILE_VALUES} values, with per-channel coefficients repeated once per
 * row of the tile (both through {@link Loops}). Passes over memory as in {@link PlanarKernel}.
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
     * Fewest rows per group. Each (group, channel) slot costs a few divisions to finish and merge; with wide rows
     * (C = 1024: 16 rows per {@link Kernel#BLOCK_VALUES}) those made up a third of the forward pass. 64 rows ran the
     * forward pass of NC 256x1024 in two thirds of the time, and 128 rows slowed the backward pass (its group no
     * longer fits the core's cache) (probe, JDK 17).
     */
    static final int MIN_GROUP_ROWS = 64;

    RowKernel(Shape shape) {
        this.rows = shape.batch() * shape.spatial();
        this.c = shape.channels();
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
        return x.largestMagnitude(start(task), rowCount(task) * c, 0);
    }

    /** @return the per-channel values repeated once per row of a tile, written into {@code out} */
    final <T> T tiled(T perChannel, T out) {
        for (int r = 0; r < tileRows; r++) {
            System.arraycopy(perChannel, 0, out, r * c, c);
        }
        return out;
    }

    /**
     * Writes the moments of the task's slots from the provisional means {@code m} and the deviations' sums and squares
     * about them (see {@link Moments#mergeDeviations}).
     */
    final void finishMoments(int task, double cnt, double[] m, double[] sumD, double[] sumD2, double[] count,
                             double[] mean, double[] m2) {
        final int slot = task * c;
        for (int ch = 0; ch < c; ch++) {
            Moments moments = new Moments();
            moments.mergeDeviations(cnt, m[ch], sumD[ch], sumD2[ch]);
            count[slot + ch] = moments.count;
            mean[slot + ch] = moments.mean;
            m2[slot + ch] = moments.m2;
        }
    }

    /** Float data staged through arrays; {@link DirectVectorLoops} overrides its elementwise passes. */
    static class OfFloat extends RowKernel<float[]> implements FloatKernel {
        OfFloat(Shape shape) {
            super(shape);
        }

        @Override
        public float[] narrow(double[] v) {
            return tiled(FloatKernel.super.narrow(v), new float[tile]);
        }

        @Override
        public float[] residual(double[] v) {
            return tiled(FloatKernel.super.residual(v), new float[tile]);
        }

        @Override
        public void moments(Data<float[]> x, int task, double[] count, double[] mean, double[] m2) {
            final int start = start(task), rowCount = rowCount(task), len = rowCount * c;
            final float[] xa = x.read(start, len, 0);
            final int o = x.offset(start);
            final double[] m = new double[c];
            Loops.CHOSEN.addRows(xa, o, rowCount, c, m);
            for (int ch = 0; ch < c; ch++) {
                m[ch] /= rowCount;
            }
            final double[] sumD = new double[c];
            final double[] sumD2 = new double[c];
            Loops.CHOSEN.addRowDeviations(xa, o, rowCount, c, m, sumD, sumD2);
            finishMoments(task, rowCount, m, sumD, sumD2, count, mean, m2);
        }

        @Override
        public void normalize(Data<float[]> x, Data<float[]> y, int task, float[] centerHi, float[] centerLo,
                              float[] scale, float[] shift) {
            final int start = start(task), rowCount = rowCount(task), len = rowCount * c;
            final float[] xa = x.read(start, len, 0);
            final float[] ya = y.writable(start, len, 1);
            final int o = x.offset(start);
            for (int r = 0; r < rowCount; r += tileRows) {
                final int base = o + r * c, n = Math.min(tileRows, rowCount - r) * c;
                Loops.CHOSEN.normalizeTile(xa, ya, base, n, centerHi, centerLo, scale, shift);
            }
            y.written(start, len, ya);
        }

        @Override
        public void gradSums(Data<float[]> x, Data<float[]> dy, int task, double[] mean, double[] sumDy, double[] sumDyXc,
                             double[] sumDySq) {
            final int start = start(task), rowCount = rowCount(task), len = rowCount * c, slot = task * c;
            final float[] xa = x.read(start, len, 0);
            final float[] ga = dy.read(start, len, 1);
            final int o = x.offset(start);
            final double[][] sums = new double[3][c];
            Loops.CHOSEN.addRowGradSums(xa, ga, o, rowCount, c, mean, sums[0], sums[1], sums[2]);
            System.arraycopy(sums[0], 0, sumDy, slot, c);
            System.arraycopy(sums[1], 0, sumDyXc, slot, c);
            System.arraycopy(sums[2], 0, sumDySq, slot, c);
        }

        @Override
        public void gradApply(Data<float[]> x, Data<float[]> dy, Data<float[]> dx, int task, float[] centerHi,
                              float[] centerLo, float[] dyScale, float[] xcScale, float[] offset) {
            final int start = start(task), rowCount = rowCount(task), len = rowCount * c;
            final float[] xa = x.read(start, len, 0);
            final float[] ga = dy.read(start, len, 1);
            final float[] da = dx.writable(start, len, 2);
            final int o = x.offset(start);
            for (int r = 0; r < rowCount; r += tileRows) {
                final int base = o + r * c, n = Math.min(tileRows, rowCount - r) * c;
                Loops.CHOSEN.gradApplyTile(xa, ga, da, base, n, centerHi, centerLo, dyScale, xcScale, offset);
            }
            dx.written(start, len, da);
        }
    }

    static final class OfDouble extends RowKernel<double[]> implements DoubleKernel {
        OfDouble(Shape shape) {
            super(shape);
        }

        @Override
        public double[] narrow(double[] v) {
            return tiled(DoubleKernel.super.narrow(v), new double[tile]);
        }

        @Override
        public double[] residual(double[] v) {
            return tiled(DoubleKernel.super.residual(v), new double[tile]);
        }

        @Override
        public void moments(Data<double[]> x, int task, double[] count, double[] mean, double[] m2) {
            final int start = start(task), rowCount = rowCount(task), len = rowCount * c;
            final double[] xa = x.read(start, len, 0);
            final int o = x.offset(start);
            final double[] m = new double[c];
            Loops.CHOSEN.addRows(xa, o, rowCount, c, m);
            for (int ch = 0; ch < c; ch++) {
                m[ch] /= rowCount;
            }
            final double[] sumD = new double[c];
            final double[] sumD2 = new double[c];
            Loops.CHOSEN.addRowDeviations(xa, o, rowCount, c, m, sumD, sumD2);
            finishMoments(task, rowCount, m, sumD, sumD2, count, mean, m2);
        }

        @Override
        public void normalize(Data<double[]> x, Data<double[]> y, int task, double[] centerHi, double[] centerLo,
                              double[] scale, double[] shift) {
            final int start = start(task), rowCount = rowCount(task), len = rowCount * c;
            final double[] xa = x.read(start, len, 0);
            final double[] ya = y.writable(start, len, 1);
            final int o = x.offset(start);
            for (int r = 0; r < rowCount; r += tileRows) {
                final int base = o + r * c, n = Math.min(tileRows, rowCount - r) * c;
                Loops.CHOSEN.normalizeTile(xa, ya, base, n, centerHi, centerLo, scale, shift);
            }
            y.written(start, len, ya);
        }

        @Override
        public void gradSums(Data<double[]> x, Data<double[]> dy, int task, double[] mean, double[] sumDy, double[] sumDyXc,
                             double[] sumDySq) {
            final int start = start(task), rowCount = rowCount(task), len = rowCount * c, slot = task * c;
            final double[] xa = x.read(start, len, 0);
            final double[] ga = dy.read(start, len, 1);
            final int o = x.offset(start);
            final double[][] sums = new double[3][c];
            Loops.CHOSEN.addRowGradSums(xa, ga, o, rowCount, c, mean, sums[0], sums[1], sums[2]);
            System.arraycopy(sums[0], 0, sumDy, slot, c);
            System.arraycopy(sums[1], 0, sumDyXc, slot, c);
            System.arraycopy(sums[2], 0, sumDySq, slot, c);
        }

        @Override
        public void gradApply(Data<double[]> x, Data<double[]> dy, Data<double[]> dx, int task, double[] centerHi,
                              double[] centerLo, double[] dyScale, double[] xcScale, double[] offset) {
            final int start = start(task), rowCount = rowCount(task), len = rowCount * c;
            final double[] xa = x.read(start, len, 0);
            final double[] ga = dy.read(start, len, 1);
            final double[] da = dx.writable(start, len, 2);
            final int o = x.offset(start);
            for (int r = 0; r < rowCount; r += tileRows) {
                final int base = o + r * c, n = Math.min(tileRows, rowCount - r) * c;
                Loops.CHOSEN.gradApplyTile(xa, ga, da, base, n, centerHi, centerLo, dyScale, xcScale, offset);
            }
            dx.written(start, len, da);
        }
    }
}
