package org.bn4j.core;

/**
 * Channels-first tensors with more than one value per plane ({@link Layout#NCW}, {@link Layout#NCHW},
 * {@link Layout#NCDHW}): element {@code (i, ch, s)} sits at {@code (i * C + ch) * spatial + s}, so each channel
 * is {@code N} contiguous planes.
 *
 * <p>A task is one channel over a group of consecutive planes, about {@link Kernel#BLOCK_VALUES} values, so
 * the second statistics pass reads cache, not memory. Passes over memory: moments 1 read, normalize 1 read
 * and 1 write, gradSums 2 reads, gradApply 2 reads and 1 write. Inner loops run over one plane with
 * per-channel coefficients hoisted to locals.
 */
abstract class PlanarKernel<A> implements Kernel<A> {
    final int n;
    final int c;
    final int spatial;
    final int planesPerGroup;
    private final int groups;

    PlanarKernel(Shape shape) {
        this.n = shape.batch();
        this.c = shape.channels();
        this.spatial = shape.spatial();
        this.planesPerGroup = Math.max(1, BLOCK_VALUES / spatial);
        this.groups = (n + planesPerGroup - 1) / planesPerGroup;
    }

    @Override
    public int tasks() {
        return groups * c;
    }

    @Override
    public int groups() {
        return groups;
    }

    /** @return the first plane of the task's group; the task's channel is {@code task % c} */
    final int firstPlane(int task) {
        return (task / c) * planesPerGroup;
    }

    final int endPlane(int task) {
        return Math.min(n, firstPlane(task) + planesPerGroup);
    }

    static final class OfFloat extends PlanarKernel<float[]> implements FloatKernel {
        OfFloat(Shape shape) {
            super(shape);
        }

        @Override
        public void moments(float[] x, int task, double[] count, double[] mean, double[] m2) {
            final int ch = task % c, i0 = firstPlane(task), i1 = endPlane(task);
            double sum = 0;
            for (int i = i0; i < i1; i++) {
                final int base = (i * c + ch) * spatial;
                for (int s = 0; s < spatial; s++) {
                    sum += x[base + s];
                }
            }
            final double cnt = (double) (i1 - i0) * spatial;
            final double m = sum / cnt;
            // Corrected two-pass: sumD absorbs the rounding error of m.
            double sumD = 0, sumD2 = 0;
            for (int i = i0; i < i1; i++) {
                final int base = (i * c + ch) * spatial;
                for (int s = 0; s < spatial; s++) {
                    final double d = x[base + s] - m;
                    sumD += d;
                    sumD2 += d * d;
                }
            }
            count[task] = cnt;
            mean[task] = m + sumD / cnt;
            m2[task] = Math.max(0, sumD2 - sumD * sumD / cnt);
        }

        @Override
        public void normalize(float[] x, float[] y, int task, float[] centerHi, float[] centerLo, float[] scale, float[] shift) {
            final int ch = task % c, i1 = endPlane(task);
            final float hi = centerHi[ch], lo = centerLo[ch], a = scale[ch], b = shift[ch];
            for (int i = firstPlane(task); i < i1; i++) {
                final int base = (i * c + ch) * spatial;
                for (int s = 0; s < spatial; s++) {
                    y[base + s] = ((x[base + s] - hi) - lo) * a + b;
                }
            }
        }

        @Override
        public void gradSums(float[] x, float[] dy, int task, double[] mean, double[] sumDy, double[] sumDyXc) {
            final int ch = task % c, i1 = endPlane(task);
            final double m = mean[ch];
            double sDy = 0, sDyXc = 0;
            for (int i = firstPlane(task); i < i1; i++) {
                final int base = (i * c + ch) * spatial;
                for (int s = 0; s < spatial; s++) {
                    final double g = dy[base + s];
                    sDy += g;
                    sDyXc += g * (x[base + s] - m);
                }
            }
            sumDy[task] = sDy;
            sumDyXc[task] = sDyXc;
        }

        @Override
        public void gradApply(float[] x, float[] dy, float[] dx, int task, float[] centerHi, float[] centerLo,
                              float[] dyScale, float[] xcScale, float[] offset) {
            final int ch = task % c, i1 = endPlane(task);
            final float hi = centerHi[ch], lo = centerLo[ch], k = dyScale[ch], q = xcScale[ch], r = offset[ch];
            for (int i = firstPlane(task); i < i1; i++) {
                final int base = (i * c + ch) * spatial;
                for (int s = 0; s < spatial; s++) {
                    dx[base + s] = k * dy[base + s] + q * ((x[base + s] - hi) - lo) + r;
                }
            }
        }

    }

    static final class OfDouble extends PlanarKernel<double[]> implements DoubleKernel {
        OfDouble(Shape shape) {
            super(shape);
        }

        @Override
        public void moments(double[] x, int task, double[] count, double[] mean, double[] m2) {
            final int ch = task % c, i0 = firstPlane(task), i1 = endPlane(task);
            double sum = 0;
            for (int i = i0; i < i1; i++) {
                final int base = (i * c + ch) * spatial;
                for (int s = 0; s < spatial; s++) {
                    sum += x[base + s];
                }
            }
            final double cnt = (double) (i1 - i0) * spatial;
            final double m = sum / cnt;
            // Corrected two-pass: sumD absorbs the rounding error of m.
            double sumD = 0, sumD2 = 0;
            for (int i = i0; i < i1; i++) {
                final int base = (i * c + ch) * spatial;
                for (int s = 0; s < spatial; s++) {
                    final double d = x[base + s] - m;
                    sumD += d;
                    sumD2 += d * d;
                }
            }
            count[task] = cnt;
            mean[task] = m + sumD / cnt;
            m2[task] = Math.max(0, sumD2 - sumD * sumD / cnt);
        }

        @Override
        public void normalize(double[] x, double[] y, int task, double[] centerHi, double[] centerLo, double[] scale, double[] shift) {
            final int ch = task % c, i1 = endPlane(task);
            final double hi = centerHi[ch], lo = centerLo[ch], a = scale[ch], b = shift[ch];
            for (int i = firstPlane(task); i < i1; i++) {
                final int base = (i * c + ch) * spatial;
                for (int s = 0; s < spatial; s++) {
                    y[base + s] = ((x[base + s] - hi) - lo) * a + b;
                }
            }
        }

        @Override
        public void gradSums(double[] x, double[] dy, int task, double[] mean, double[] sumDy, double[] sumDyXc) {
            final int ch = task % c, i1 = endPlane(task);
            final double m = mean[ch];
            double sDy = 0, sDyXc = 0;
            for (int i = firstPlane(task); i < i1; i++) {
                final int base = (i * c + ch) * spatial;
                for (int s = 0; s < spatial; s++) {
                    final double g = dy[base + s];
                    sDy += g;
                    sDyXc += g * (x[base + s] - m);
                }
            }
            sumDy[task] = sDy;
            sumDyXc[task] = sDyXc;
        }

        @Override
        public void gradApply(double[] x, double[] dy, double[] dx, int task, double[] centerHi, double[] centerLo,
                              double[] dyScale, double[] xcScale, double[] offset) {
            final int ch = task % c, i1 = endPlane(task);
            final double hi = centerHi[ch], lo = centerLo[ch], k = dyScale[ch], q = xcScale[ch], r = offset[ch];
            for (int i = firstPlane(task); i < i1; i++) {
                final int base = (i * c + ch) * spatial;
                for (int s = 0; s < spatial; s++) {
                    dx[base + s] = k * dy[base + s] + q * ((x[base + s] - hi) - lo) + r;
                }
            }
        }

    }
}
