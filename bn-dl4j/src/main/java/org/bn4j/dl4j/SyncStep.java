package org.bn4j.dl4j;

import java.util.List;
import org.bn4j.core.BatchNormConfig;
import org.bn4j.core.BatchStats;
import org.bn4j.core.ChannelGradientSums;
import org.bn4j.core.ChannelMoments;
import org.bn4j.core.ParamGradients;
import org.bn4j.core.Shape;
import org.bn4j.core.SplitBatchNormalizer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A training step of a {@link BatchNormLayer} on one worker of a {@link WorkerGroup}: bn-core's
 * {@link SplitBatchNormalizer} phases with an exchange between them. Works on double copies of the arrays (speed is
 * not the point of synchronized BN; the exchange is).
 */
final class SyncStep {
    private SyncStep() {
    }

    /** @return the statistics of the whole round, after writing this worker's normalized rows into {@code y} */
    static BatchStats forward(WorkerGroup.Member member, String where, BatchNormConfig config, INDArray x, Shape shape,
                              double[] gamma, double[] beta, INDArray y) {
        SplitBatchNormalizer split = new SplitBatchNormalizer(config);
        double[] values = doubles(x);
        ChannelMoments share = split.moments(values, shape);
        List<ChannelMoments> shares = member.exchange(where + " forward", share);
        BatchStats global = ChannelMoments.merge(shares, config.eps());
        double[] out = new double[values.length];
        split.normalize(values, shape, gamma, beta, global, out);
        y.assign(Nd4j.createFromArray(out).reshape('c', y.shape()));
        return global;
    }

    /** @return this worker's gradients of gamma and beta, after writing its rows of the input gradient into dx */
    static ParamGradients backward(WorkerGroup.Member member, String where, BatchNormConfig config, INDArray x,
                                   INDArray dy, Shape shape, double[] gamma, double[] beta, BatchStats global,
                                   INDArray dx) {
        SplitBatchNormalizer split = new SplitBatchNormalizer(config);
        double[] xs = doubles(x);
        double[] dys = doubles(dy);
        ChannelGradientSums share = split.gradientSums(xs, dys, shape, gamma, beta, global);
        ChannelGradientSums whole = ChannelGradientSums.sum(member.exchange(where + " backward", share));
        double[] out = new double[xs.length];
        ParamGradients grads = split.backward(xs, dys, shape, gamma, beta, global, share, whole, out);
        dx.assign(Nd4j.createFromArray(out).reshape('c', dx.shape()));
        return grads;
    }

    private static double[] doubles(INDArray a) {
        return NdBuffers.read(a);
    }
}
