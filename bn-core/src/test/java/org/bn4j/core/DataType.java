package org.bn4j.core;

/** Runs {@link BatchNorm} on float or double arrays and hands results back in double, so one test covers both. */
enum DataType {
    FLOAT(Tolerances.F32) {
        @Override
        double[] representable(double[] v) {
            return TestData.toDouble(TestData.toFloat(v));
        }

        @Override
        Forward forwardTraining(BatchNorm bn, double[] x, Shape shape, double[] gamma, double[] beta) {
            float[] y = new float[x.length];
            BatchStats stats = bn.forwardTraining(TestData.toFloat(x), shape, gamma, beta, y);
            return new Forward(TestData.toDouble(y), stats);
        }

        @Override
        double[] forwardInference(BatchNorm bn, double[] x, Shape shape, double[] gamma, double[] beta, RunningStats running) {
            float[] y = new float[x.length];
            bn.forwardInference(TestData.toFloat(x), shape, gamma, beta, running, y);
            return TestData.toDouble(y);
        }

        @Override
        Backward backward(BatchNorm bn, double[] x, double[] dy, Shape shape, double[] gamma, BatchStats saved) {
            float[] dx = new float[x.length];
            ParamGradients grads = bn.backward(TestData.toFloat(x), TestData.toFloat(dy), shape, gamma, saved, dx);
            return new Backward(TestData.toDouble(dx), grads);
        }
    },
    DOUBLE(Tolerances.F64) {
        @Override
        double[] representable(double[] v) {
            return v.clone();
        }

        @Override
        Forward forwardTraining(BatchNorm bn, double[] x, Shape shape, double[] gamma, double[] beta) {
            double[] y = new double[x.length];
            BatchStats stats = bn.forwardTraining(x.clone(), shape, gamma, beta, y);
            return new Forward(y, stats);
        }

        @Override
        double[] forwardInference(BatchNorm bn, double[] x, Shape shape, double[] gamma, double[] beta, RunningStats running) {
            double[] y = new double[x.length];
            bn.forwardInference(x.clone(), shape, gamma, beta, running, y);
            return y;
        }

        @Override
        Backward backward(BatchNorm bn, double[] x, double[] dy, Shape shape, double[] gamma, BatchStats saved) {
            double[] dx = new double[x.length];
            ParamGradients grads = bn.backward(x.clone(), dy.clone(), shape, gamma, saved, dx);
            return new Backward(dx, grads);
        }
    };

    final double tolerance;

    DataType(double tolerance) {
        this.tolerance = tolerance;
    }

    /** @return v rounded to this type and widened back: what the reference must see */
    abstract double[] representable(double[] v);

    abstract Forward forwardTraining(BatchNorm bn, double[] x, Shape shape, double[] gamma, double[] beta);

    abstract double[] forwardInference(BatchNorm bn, double[] x, Shape shape, double[] gamma, double[] beta, RunningStats running);

    abstract Backward backward(BatchNorm bn, double[] x, double[] dy, Shape shape, double[] gamma, BatchStats saved);

    record Forward(double[] y, BatchStats stats) {
    }

    record Backward(double[] dx, ParamGradients grads) {
    }
}
