package org.bn4j.core;

import java.util.Arrays;

/**
 * Channels-last tensors ({@link Layout#NC}, {@link Layout#NWC}, {@link Layout#NHWC}, {@link Layout#NDHWC}) and
 * channels-first ones with one value per plane: element {@code (row, ch)} sits at {@code row * C + ch}, with
 * {@code N * spatial} rows.
 *
 * <p>A task is a group of consecutive rows, about {@link Kernel#BLOCK_VALUES} values, that owns one partial
 * slot per channel; the second statistics pass reads cache, not memory. Inner loops run along a row with
 * per-channel arrays indexed by the loop variable, the shape the JIT vectorizes. Passes over memory as in
 * {@link PlanarKernel}.
 */
abstract class RowKernel<A> implements Kernel<A> {
    final int rows;
    final int c;
    final int rowsPerGroup;
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

    final int firstRow(int task) {
        return task * rowsPerGroup;
    }

    final int endRow(int task) {
        return Math.min(rows, firstRow(task) + rowsPerGroup);
    }

    /** Turns the slots' sums into means and corrected {@code M2}: {@code sumD} absorbs the rounding error of the mean. */
    final void finishMoments(int task, double cnt, double[] sumD, double[] count, double[] mean, double[] m2) {
        final int off = task * c;
        for (int ch = 0; ch < c; ch++) {
            count[off + ch] = cnt;
            mean[off + ch] += sumD[ch] / cnt;
            m2[off + ch] = Math.max(0, m2[off + ch] - sumD[ch] * sumD[ch] / cnt);
        }
    }

    static final class OfFloat extends RowKernel<float[]> implements FloatKernel {
        OfFloat(Shape shape) {
            super(shape);
        }

        @Override
        public void moments(float[] x, int task, double[] count, double[] mean, double[] m2) {
            final int r0 = firstRow(task), r1 = endRow(task), off = task * c;
            final double cnt = r1 - r0;
            Arrays.fill(mean, off, off + c, 0);
            Arrays.fill(m2, off, off + c, 0);
            for (int r = r0; r < r1; r++) {
                final int base = r * c;
                for (int ch = 0; ch < c; ch++) {
                    mean[off + ch] += x[base + ch];
                }
            }
            for (int ch = 0; ch < c; ch++) {
                mean[off + ch] /= cnt;
            }
            final double[] sumD = new double[c];
            for (int r = r0; r < r1; r++) {
                final int base = r * c;
                for (int ch = 0; ch < c; ch++) {
                    final double d = x[base + ch] - mean[off + ch];
                    sumD[ch] += d;
                    m2[off + ch] += d * d;
                }
            }
            finishMoments(task, cnt, sumD, count, mean, m2);
        }

        @Override
        public void normalize(float[] x, float[] y, int task, float[] centerHi, float[] centerLo, float[] scale, float[] shift) {
            final int r1 = endRow(task);
            for (int r = firstRow(task); r < r1; r++) {
                final int base = r * c;
                for (int ch = 0; ch < c; ch++) {
                    y[base + ch] = ((x[base + ch] - centerHi[ch]) - centerLo[ch]) * scale[ch] + shift[ch];
                }
            }
        }

        @Override
        public void gradSums(float[] x, float[] dy, int task, double[] mean, double[] sumDy, double[] sumDyXc) {
            final int r1 = endRow(task), off = task * c;
            Arrays.fill(sumDy, off, off + c, 0);
            Arrays.fill(sumDyXc, off, off + c, 0);
            for (int r = firstRow(task); r < r1; r++) {
                final int base = r * c;
                for (int ch = 0; ch < c; ch++) {
                    final double g = dy[base + ch];
                    sumDy[off + ch] += g;
                    sumDyXc[off + ch] += g * (x[base + ch] - mean[ch]);
                }
            }
        }

        @Override
        public void gradApply(float[] x, float[] dy, float[] dx, int task, float[] centerHi, float[] centerLo,
                              float[] dyScale, float[] xcScale, float[] offset) {
            final int r1 = endRow(task);
            for (int r = firstRow(task); r < r1; r++) {
                final int base = r * c;
                for (int ch = 0; ch < c; ch++) {
                    dx[base + ch] = dyScale[ch] * dy[base + ch]
                            + xcScale[ch] * ((x[base + ch] - centerHi[ch]) - centerLo[ch]) + offset[ch];
                }
            }
        }
    }

    static final class OfDouble extends RowKernel<double[]> implements DoubleKernel {
        OfDouble(Shape shape) {
            super(shape);
        }

        @Override
        public void moments(double[] x, int task, double[] count, double[] mean, double[] m2) {
            final int r0 = firstRow(task), r1 = endRow(task), off = task * c;
            final double cnt = r1 - r0;
            Arrays.fill(mean, off, off + c, 0);
            Arrays.fill(m2, off, off + c, 0);
            for (int r = r0; r < r1; r++) {
                final int base = r * c;
                for (int ch = 0; ch < c; ch++) {
                    mean[off + ch] += x[base + ch];
                }
            }
            for (int ch = 0; ch < c; ch++) {
                mean[off + ch] /= cnt;
            }
            final double[] sumD = new double[c];
            for (int r = r0; r < r1; r++) {
                final int base = r * c;
                for (int ch = 0; ch < c; ch++) {
                    final double d = x[base + ch] - mean[off + ch];
                    sumD[ch] += d;
                    m2[off + ch] += d * d;
                }
            }
            finishMoments(task, cnt, sumD, count, mean, m2);
        }

        @Override
        public void normalize(double[] x, double[] y, int task, double[] centerHi, double[] centerLo, double[] scale, double[] shift) {
            final int r1 = endRow(task);
            for (int r = firstRow(task); r < r1; r++) {
                final int base = r * c;
                for (int ch = 0; ch < c; ch++) {
                    y[base + ch] = ((x[base + ch] - centerHi[ch]) - centerLo[ch]) * scale[ch] + shift[ch];
                }
            }
        }

        @Override
        public void gradSums(double[] x, double[] dy, int task, double[] mean, double[] sumDy, double[] sumDyXc) {
            final int r1 = endRow(task), off = task * c;
            Arrays.fill(sumDy, off, off + c, 0);
            Arrays.fill(sumDyXc, off, off + c, 0);
            for (int r = firstRow(task); r < r1; r++) {
                final int base = r * c;
                for (int ch = 0; ch < c; ch++) {
                    final double g = dy[base + ch];
                    sumDy[off + ch] += g;
                    sumDyXc[off + ch] += g * (x[base + ch] - mean[ch]);
                }
            }
        }

        @Override
        public void gradApply(double[] x, double[] dy, double[] dx, int task, double[] centerHi, double[] centerLo,
                              double[] dyScale, double[] xcScale, double[] offset) {
            final int r1 = endRow(task);
            for (int r = firstRow(task); r < r1; r++) {
                final int base = r * c;
                for (int ch = 0; ch < c; ch++) {
                    dx[base + ch] = dyScale[ch] * dy[base + ch]
                            + xcScale[ch] * ((x[base + ch] - centerHi[ch]) - centerLo[ch]) + offset[ch];
                }
            }
        }
    }
}
