package org.bn4j.core;

/**
 * A per-channel affine map {@code y = scale * x + shift}: what batch normalization is in inference, where the
 * statistics are constants. Deployment tools fold it into a neighbouring layer's weights and bias.
 *
 * @param scale {@code gamma / sqrt(running.var + eps)} per channel, length {@code C}
 * @param shift {@code beta - running.mean * scale} per channel, length {@code C}
 */
public record ChannelAffine(double[] scale, double[] shift) {
    public int channels() {
        return scale.length;
    }
}
