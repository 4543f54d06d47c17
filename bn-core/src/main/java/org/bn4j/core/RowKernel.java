package org.bn4j.core;

import java.util.Arrays;

/**
 * Channels-last tensors ({@link Layout#NC}, {@link Layout#NWC}, {@link Layout#NHWC}, {@link Layout#NDHWC}) and
 * channels-first ones with one value per plane: element {@code (row, ch)} sits at {@code row * C + ch}, with
 * {@code N * spatial} rows.
 *
 * <p>A task is a group of consecutive rows, about {@link Kernel#BLOCK_VALUES} values and one contiguous
 * segment, that owns one partial slot per channel; the second statistics pass reads cache, not memory. Inner
 * loops run along a row with per-channel arrays indexed by the loop variable, the shape the JIT vectorizes.
 * Passes over memory as in {@link PlanarKernel}.
 */
abstract class RowKernel<A> implements Kernel<A> {
    final int c;
    private final int rows;
    private final int rowsPerGroup;
    private final int groups;

    RowKernel(Shape shape) {
        this.rows = shape.batch() * shape.spatial();
        this.c = shape.channels();
        this.rowsPerGroup = Math.max(1, BLOCK_VALUES / c);
        this.groups = (rows + rowsPerGroup - 1) / rowsPerGroup;
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

    /** Turns the slots' sums into means and corrected {@code M2}: {@code sumD} absorbs the rounding error of the mean. */
    final void finishMoments(int task, double cnt, double[] sumD, double[] count, double[] mean, double[] m2) {
        final int slot = task * c;
        for (int ch = 0; ch < c; ch++) {
            count[slot + ch] = cnt;
            mean[slot + ch] += sumD[ch] / cnt;
            m2[slot + ch] = Math.max(0, m2[slot + ch] - sumD[ch] * sumD[ch] / cnt);
        }
    }

    static final class OfFloat extends RowKernel<float[]> implements FloatKernel {
        OfFloat(Shape shape) {
            super(shape);
        }

        @Override
        public void moments(Data<float[]> x, int task, double[] count, double[] mean, double[] m2) {
            final int start = start(task), rowCount = rowCount(task), len = rowCount * c, slot = task * c;
            final float[] xa = x.read(start, len, 0);
            final int o = x.offset(start);
            Arrays.fill(mean, slot, slot + c, 0);
            Arrays.fill(m2, slot, slot + c, 0);
            for (int r = 0; r < rowCount; r++) {
                final int base = o + r * c;
                for (int ch = 0; ch < c; ch++) {
                    mean[slot + ch] += xa[base + ch];
                }
            }
            for (int ch = 0; ch < c; ch++) {
                mean[slot + ch] /= rowCount;
            }
            final double[] sumD = new double[c];
            for (int r = 0; r < rowCount; r++) {
                final int base = o + r * c;
                for (int ch = 0; ch < c; ch++) {
                    final double d = xa[base + ch] - mean[slot + ch];
                    sumD[ch] += d;
                    m2[slot + ch] += d * d;
                }
            }
            finishMoments(task, rowCount, sumD, count, mean, m2);
        }

        @Override
        public void normalize(Data<float[]> x, Data<float[]> y, int task, float[] centerHi, float[] centerLo,
                              float[] scale, float[] shift) {
            final int start = start(task), rowCount = rowCount(task), len = rowCount * c;
            final float[] xa = x.read(start, len, 0);
            final float[] ya = y.writable(start, len, 1);
            final int o = x.offset(start);
            for (int r = 0; r < rowCount; r++) {
                final int base = o + r * c;
                for (int ch = 0; ch < c; ch++) {
                    ya[base + ch] = ((xa[base + ch] - centerHi[ch]) - centerLo[ch]) * scale[ch] + shift[ch];
                }
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
            Arrays.fill(sumDy, slot, slot + c, 0);
            Arrays.fill(sumDyXc, slot, slot + c, 0);
            Arrays.fill(sumDySq, slot, slot + c, 0);
            for (int r = 0; r < rowCount; r++) {
                final int base = o + r * c;
                for (int ch = 0; ch < c; ch++) {
                    final double g = ga[base + ch];
                    sumDy[slot + ch] += g;
                    sumDyXc[slot + ch] += g * (xa[base + ch] - mean[ch]);
                    sumDySq[slot + ch] += g * g;
                }
            }
        }

        @Override
        public void gradApply(Data<float[]> x, Data<float[]> dy, Data<float[]> dx, int task, float[] centerHi,
                              float[] centerLo, float[] dyScale, float[] xcScale, float[] offset) {
            final int start = start(task), rowCount = rowCount(task), len = rowCount * c;
            final float[] xa = x.read(start, len, 0);
            final float[] ga = dy.read(start, len, 1);
            final float[] da = dx.writable(start, len, 2);
            final int o = x.offset(start);
            for (int r = 0; r < rowCount; r++) {
                final int base = o + r * c;
                for (int ch = 0; ch < c; ch++) {
                    da[base + ch] = dyScale[ch] * ga[base + ch]
                            + xcScale[ch] * ((xa[base + ch] - centerHi[ch]) - centerLo[ch]) + offset[ch];
                }
            }
            dx.written(start, len, da);
        }
    }

    static final class OfDouble extends RowKernel<double[]> implements DoubleKernel {
        OfDouble(Shape shape) {
            super(shape);
        }

        @Override
        public void moments(Data<double[]> x, int task, double[] count, double[] mean, double[] m2) {
            final int start = start(task), rowCount = rowCount(task), len = rowCount * c, slot = task * c;
            final double[] xa = x.read(start, len, 0);
            final int o = x.offset(start);
            Arrays.fill(mean, slot, slot + c, 0);
            Arrays.fill(m2, slot, slot + c, 0);
            for (int r = 0; r < rowCount; r++) {
                final int base = o + r * c;
                for (int ch = 0; ch < c; ch++) {
                    mean[slot + ch] += xa[base + ch];
                }
            }
            for (int ch = 0; ch < c; ch++) {
                mean[slot + ch] /= rowCount;
            }
            final double[] sumD = new double[c];
            for (int r = 0; r < rowCount; r++) {
                final int base = o + r * c;
                for (int ch = 0; ch < c; ch++) {
                    final double d = xa[base + ch] - mean[slot + ch];
                    sumD[ch] += d;
                    m2[slot + ch] += d * d;
                }
            }
            finishMoments(task, rowCount, sumD, count, mean, m2);
        }

        @Override
        public void normalize(Data<double[]> x, Data<double[]> y, int task, double[] centerHi, double[] centerLo,
                              double[] scale, double[] shift) {
            final int start = start(task), rowCount = rowCount(task), len = rowCount * c;
            final double[] xa = x.read(start, len, 0);
            final double[] ya = y.writable(start, len, 1);
            final int o = x.offset(start);
            for (int r = 0; r < rowCount; r++) {
                final int base = o + r * c;
                for (int ch = 0; ch < c; ch++) {
                    ya[base + ch] = ((xa[base + ch] - centerHi[ch]) - centerLo[ch]) * scale[ch] + shift[ch];
                }
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
            Arrays.fill(sumDy, slot, slot + c, 0);
            Arrays.fill(sumDyXc, slot, slot + c, 0);
            Arrays.fill(sumDySq, slot, slot + c, 0);
            for (int r = 0; r < rowCount; r++) {
                final int base = o + r * c;
                for (int ch = 0; ch < c; ch++) {
                    final double g = ga[base + ch];
                    sumDy[slot + ch] += g;
                    sumDyXc[slot + ch] += g * (xa[base + ch] - mean[ch]);
                    sumDySq[slot + ch] += g * g;
                }
            }
        }

        @Override
        public void gradApply(Data<double[]> x, Data<double[]> dy, Data<double[]> dx, int task, double[] centerHi,
                              double[] centerLo, double[] dyScale, double[] xcScale, double[] offset) {
            final int start = start(task), rowCount = rowCount(task), len = rowCount * c;
            final double[] xa = x.read(start, len, 0);
            final double[] ga = dy.read(start, len, 1);
            final double[] da = dx.writable(start, len, 2);
            final int o = x.offset(start);
            for (int r = 0; r < rowCount; r++) {
                final int base = o + r * c;
                for (int ch = 0; ch < c; ch++) {
                    da[base + ch] = dyScale[ch] * ga[base + ch]
                            + xcScale[ch] * ((xa[base + ch] - centerHi[ch]) - centerLo[ch]) + offset[ch];
                }
            }
            dx.written(start, len, da);
        }
    }
}
