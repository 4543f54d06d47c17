package org.bn4j.core;

import java.util.Arrays;

/**
 * Channels-last tensors ({@link Layout#NC}, {@link Layout#NWC}, {@link Layout#NHWC}, {@link Layout#NDHWC}) and
 * channels-first ones with one value per plane: element {@code (row, ch)} sits at {@code row * C + ch}, with
 * {@code N * spatial} rows.
 *
 * <p>A task is a group of consecutive rows, about {@link Kernel#BLOCK_VALUES} values and one contiguous
 * segment, that owns one partial slot per channel; the second statistics pass reads cache, not memory. Inner
 * loops ({@link Loops}) run over a tile of {@code tileRows} rows at once, about {@link #TILE_VALUES} values, with
 * per-channel arrays repeated once per row of the tile. Tiled sums are folded into channels in tile-row order.
 * Passes over memory as in {@link PlanarKernel}.
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

    RowKernel(Shape shape) {
        this.rows = shape.batch() * shape.spatial();
        this.c = shape.channels();
        this.rowsPerGroup = Math.max(1, BLOCK_VALUES / c);
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

    /** @return the per-channel values repeated once per row of a tile, written into {@code out} */
    final <T> T tiled(T perChannel, T out) {
        for (int r = 0; r < tileRows; r++) {
            System.arraycopy(perChannel, 0, out, r * c, c);
        }
        return out;
    }

    /** Writes the sum over tile rows of {@code tiled} into {@code out[slot, slot + c)}, in tile-row order. */
    final void fold(double[] tiled, double[] out, int slot) {
        for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            for (int r = 0; r < tileRows; r++) {
                sum += tiled[r * c + ch];
            }
            out[slot + ch] = sum;
        }
    }

    /**
     * Moments of the task's slots from tiled sums: the provisional means {@code mean[slot..]}, and the deviations'
     * sums and squares about them. {@code sumD} absorbs the rounding error of the provisional mean.
     */
    final void finishMoments(int task, double cnt, double[] sumD, double[] sumD2, double[] count, double[] mean,
                             double[] m2) {
        final int slot = task * c;
        double[] d = new double[c];
        fold(sumD, d, 0);
        fold(sumD2, m2, slot);
        for (int ch = 0; ch < c; ch++) {
            count[slot + ch] = cnt;
            mean[slot + ch] += d[ch] / cnt;
            m2[slot + ch] = Math.max(0, m2[slot + ch] - d[ch] * d[ch] / cnt);
        }
    }

    static final class OfFloat extends RowKernel<float[]> implements FloatKernel {
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
            final int start = start(task), rowCount = rowCount(task), len = rowCount * c, slot = task * c;
            final float[] xa = x.read(start, len, 0);
            final int o = x.offset(start);
            final double[] sum = new double[tile];
            for (int r = 0; r < rowCount; r += tileRows) {
                final int base = o + r * c, n = Math.min(tileRows, rowCount - r) * c;
                Loops.CHOSEN.addTile(xa, base, n, sum);
            }
            fold(sum, mean, slot);
            for (int ch = 0; ch < c; ch++) {
                mean[slot + ch] /= rowCount;
            }
            final double[] m = tiled(Arrays.copyOfRange(mean, slot, slot + c), new double[tile]);
            final double[] sumD = new double[tile];
            final double[] sumD2 = new double[tile];
            for (int r = 0; r < rowCount; r += tileRows) {
                final int base = o + r * c, n = Math.min(tileRows, rowCount - r) * c;
                Loops.CHOSEN.addDeviationsTile(xa, base, n, m, sumD, sumD2);
            }
            finishMoments(task, rowCount, sumD, sumD2, count, mean, m2);
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
            final double[] m = tiled(mean, new double[tile]);
            final double[] g = new double[tile];
            final double[] p = new double[tile];
            final double[] q = new double[tile];
            for (int r = 0; r < rowCount; r += tileRows) {
                final int base = o + r * c, n = Math.min(tileRows, rowCount - r) * c;
                Loops.CHOSEN.gradSumsTile(xa, ga, base, n, m, g, p, q);
            }
            fold(g, sumDy, slot);
            fold(p, sumDyXc, slot);
            fold(q, sumDySq, slot);
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
            final int start = start(task), rowCount = rowCount(task), len = rowCount * c, slot = task * c;
            final double[] xa = x.read(start, len, 0);
            final int o = x.offset(start);
            final double[] sum = new double[tile];
            for (int r = 0; r < rowCount; r += tileRows) {
                final int base = o + r * c, n = Math.min(tileRows, rowCount - r) * c;
                Loops.CHOSEN.addTile(xa, base, n, sum);
            }
            fold(sum, mean, slot);
            for (int ch = 0; ch < c; ch++) {
                mean[slot + ch] /= rowCount;
            }
            final double[] m = tiled(Arrays.copyOfRange(mean, slot, slot + c), new double[tile]);
            final double[] sumD = new double[tile];
            final double[] sumD2 = new double[tile];
            for (int r = 0; r < rowCount; r += tileRows) {
                final int base = o + r * c, n = Math.min(tileRows, rowCount - r) * c;
                Loops.CHOSEN.addDeviationsTile(xa, base, n, m, sumD, sumD2);
            }
            finishMoments(task, rowCount, sumD, sumD2, count, mean, m2);
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
            final double[] m = tiled(mean, new double[tile]);
            final double[] g = new double[tile];
            final double[] p = new double[tile];
            final double[] q = new double[tile];
            for (int r = 0; r < rowCount; r += tileRows) {
                final int base = o + r * c, n = Math.min(tileRows, rowCount - r) * c;
                Loops.CHOSEN.gradSumsTile(xa, ga, base, n, m, g, p, q);
            }
            fold(g, sumDy, slot);
            fold(p, sumDyXc, slot);
            fold(q, sumDySq, slot);
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
