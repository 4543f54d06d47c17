package org.bn4j.core;

/**
 * Channels-first tensors with more than one value per plane ({@link Layout#NCW}, {@link Layout#NCHW},
 * {@link Layout#NCDHW}): element {@code (i, ch, s)} sits at {@code (i * C + ch) * spatial + s}, so each channel
 * is {@code N} contiguous planes.
 *
 * <p>A task is one channel over a group of consecutive planes, about {@link Kernel#BLOCK_VALUES} values; it
 * visits its planes as segments of at most that many values. Statistics are exact two-pass per segment (the
 * second pass reads cache) and merged segment by segment in order. Passes over memory: moments 1 read,
 * normalize 1 read and 1 write, gradSums 2 reads, gradApply 2 reads and 1 write. Inner loops run along a
 * segment with the channel's coefficients in locals.
 */
abstract class PlanarKernel<A> implements Kernel<A> {
    final int c;
    final int spatial;
    private final int n;
    private final int planesPerGroup;
    private final int groups;
    private final int segment;
    private final int segmentsPerPlane;

    PlanarKernel(Shape shape) {
        this.n = shape.batch();
        this.c = shape.channels();
        this.spatial = shape.spatial();
        this.planesPerGroup = Math.max(1, BLOCK_VALUES / spatial);
        this.groups = (n + planesPerGroup - 1) / planesPerGroup;
        this.segment = Math.min(spatial, BLOCK_VALUES);
        this.segmentsPerPlane = (spatial + segment - 1) / segment;
    }

    @Override
    public int tasks() {
        return groups * c;
    }

    @Override
    public int groups() {
        return groups;
    }

    /** @return how many segments the task visits */
    final int segments(int task) {
        int firstPlane = (task / c) * planesPerGroup;
        return (Math.min(n, firstPlane + planesPerGroup) - firstPlane) * segmentsPerPlane;
    }

    /** @return the flat index where segment {@code k} of the task starts */
    final int segmentStart(int task, int k) {
        int plane = (task / c) * planesPerGroup + k / segmentsPerPlane;
        return (plane * c + task % c) * spatial + (k % segmentsPerPlane) * segment;
    }

    /** @return the length of segment {@code k} of any task */
    final int segmentLength(int k) {
        return Math.min(segment, spatial - (k % segmentsPerPlane) * segment);
    }

    static final class OfFloat extends PlanarKernel<float[]> implements FloatKernel {
        OfFloat(Shape shape) {
            super(shape);
        }

        @Override
        public void moments(Data<float[]> x, int task, double[] count, double[] mean, double[] m2) {
            Moments acc = new Moments();
            for (int k = 0, segments = segments(task); k < segments; k++) {
                final int start = segmentStart(task, k), len = segmentLength(k);
                final float[] xa = x.read(start, len, 0);
                final int o = x.offset(start);
                Loops.CHOSEN.moments(xa, o, o + len, acc);
            }
            count[task] = acc.count;
            mean[task] = acc.mean;
            m2[task] = acc.m2;
        }

        @Override
        public void normalize(Data<float[]> x, Data<float[]> y, int task, float[] centerHi, float[] centerLo,
                              float[] scale, float[] shift) {
            final int ch = task % c;
            final float hi = centerHi[ch], lo = centerLo[ch], a = scale[ch], b = shift[ch];
            for (int k = 0, segments = segments(task); k < segments; k++) {
                final int start = segmentStart(task, k), len = segmentLength(k);
                final float[] xa = x.read(start, len, 0);
                final float[] ya = y.writable(start, len, 1);
                final int o = x.offset(start);
                for (int j = o; j < o + len; j++) {
                    ya[j] = ((xa[j] - hi) - lo) * a + b;
                }
                y.written(start, len, ya);
            }
        }

        @Override
        public void gradSums(Data<float[]> x, Data<float[]> dy, int task, double[] mean, double[] sumDy, double[] sumDyXc,
                             double[] sumDySq) {
            final double m = mean[task % c];
            final double[] sums = new double[3];
            for (int k = 0, segments = segments(task); k < segments; k++) {
                final int start = segmentStart(task, k), len = segmentLength(k);
                final float[] xa = x.read(start, len, 0);
                final float[] ga = dy.read(start, len, 1);
                final int o = x.offset(start);
                Loops.CHOSEN.gradSums(xa, ga, o, o + len, m, sums);
            }
            sumDy[task] = sums[0];
            sumDyXc[task] = sums[1];
            sumDySq[task] = sums[2];
        }

        @Override
        public void gradApply(Data<float[]> x, Data<float[]> dy, Data<float[]> dx, int task, float[] centerHi,
                              float[] centerLo, float[] dyScale, float[] xcScale, float[] offset) {
            final int ch = task % c;
            final float hi = centerHi[ch], lo = centerLo[ch], k1 = dyScale[ch], q = xcScale[ch], r = offset[ch];
            for (int k = 0, segments = segments(task); k < segments; k++) {
                final int start = segmentStart(task, k), len = segmentLength(k);
                final float[] xa = x.read(start, len, 0);
                final float[] ga = dy.read(start, len, 1);
                final float[] da = dx.writable(start, len, 2);
                final int o = x.offset(start);
                for (int j = o; j < o + len; j++) {
                    da[j] = k1 * ga[j] + q * ((xa[j] - hi) - lo) + r;
                }
                dx.written(start, len, da);
            }
        }
    }

    static final class OfDouble extends PlanarKernel<double[]> implements DoubleKernel {
        OfDouble(Shape shape) {
            super(shape);
        }

        @Override
        public void moments(Data<double[]> x, int task, double[] count, double[] mean, double[] m2) {
            Moments acc = new Moments();
            for (int k = 0, segments = segments(task); k < segments; k++) {
                final int start = segmentStart(task, k), len = segmentLength(k);
                final double[] xa = x.read(start, len, 0);
                final int o = x.offset(start);
                Loops.CHOSEN.moments(xa, o, o + len, acc);
            }
            count[task] = acc.count;
            mean[task] = acc.mean;
            m2[task] = acc.m2;
        }

        @Override
        public void normalize(Data<double[]> x, Data<double[]> y, int task, double[] centerHi, double[] centerLo,
                              double[] scale, double[] shift) {
            final int ch = task % c;
            final double hi = centerHi[ch], lo = centerLo[ch], a = scale[ch], b = shift[ch];
            for (int k = 0, segments = segments(task); k < segments; k++) {
                final int start = segmentStart(task, k), len = segmentLength(k);
                final double[] xa = x.read(start, len, 0);
                final double[] ya = y.writable(start, len, 1);
                final int o = x.offset(start);
                for (int j = o; j < o + len; j++) {
                    ya[j] = ((xa[j] - hi) - lo) * a + b;
                }
                y.written(start, len, ya);
            }
        }

        @Override
        public void gradSums(Data<double[]> x, Data<double[]> dy, int task, double[] mean, double[] sumDy, double[] sumDyXc,
                             double[] sumDySq) {
            final double m = mean[task % c];
            final double[] sums = new double[3];
            for (int k = 0, segments = segments(task); k < segments; k++) {
                final int start = segmentStart(task, k), len = segmentLength(k);
                final double[] xa = x.read(start, len, 0);
                final double[] ga = dy.read(start, len, 1);
                final int o = x.offset(start);
                Loops.CHOSEN.gradSums(xa, ga, o, o + len, m, sums);
            }
            sumDy[task] = sums[0];
            sumDyXc[task] = sums[1];
            sumDySq[task] = sums[2];
        }

        @Override
        public void gradApply(Data<double[]> x, Data<double[]> dy, Data<double[]> dx, int task, double[] centerHi,
                              double[] centerLo, double[] dyScale, double[] xcScale, double[] offset) {
            final int ch = task % c;
            final double hi = centerHi[ch], lo = centerLo[ch], k1 = dyScale[ch], q = xcScale[ch], r = offset[ch];
            for (int k = 0, segments = segments(task); k < segments; k++) {
                final int start = segmentStart(task, k), len = segmentLength(k);
                final double[] xa = x.read(start, len, 0);
                final double[] ga = dy.read(start, len, 1);
                final double[] da = dx.writable(start, len, 2);
                final int o = x.offset(start);
                for (int j = o; j < o + len; j++) {
                    da[j] = k1 * ga[j] + q * ((xa[j] - hi) - lo) + r;
                }
                dx.written(start, len, da);
            }
        }
    }
}
