package org.bn4j.examples.data;

import java.util.SplittableRandom;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A generated image set whose classes need spatial features: stripes at four orientations, a disc, a ring, a
 * square outline and a cross, each at a random position, size, phase and colour, over a noisy random background.
 * Deterministic for a seed. Images are RGB, {@code size x size}, values in [0, 1].
 */
public final class Shapes {
    public static final String[] CLASSES = {"horizontal stripes", "vertical stripes", "diagonal stripes",
            "anti-diagonal stripes", "disc", "ring", "square outline", "cross"};

    private Shapes() {
    }

    /**
     * @param size  image side in pixels, at least 8
     * @param train training examples
     * @param test  test examples
     * @param seed  the same seed gives the same images
     */
    public static Examples generate(int size, int train, int test, long seed) {
        if (size < 8) {
            throw new IllegalArgumentException("image size must be at least 8, got " + size);
        }
        SplittableRandom random = new SplittableRandom(seed);
        return new Examples("generated shapes and textures (" + CLASSES.length + " classes, " + size + "x" + size
                + " RGB, seed " + seed + ")", images(size, train, random), images(size, test, random), 3, size, size,
                CLASSES.length);
    }

    private static DataSet images(int size, int n, SplittableRandom random) {
        int plane = size * size;
        float[] pixels = new float[n * 3 * plane];
        float[] oneHot = new float[n * CLASSES.length];
        for (int i = 0; i < n; i++) {
            int label = random.nextInt(CLASSES.length);
            oneHot[i * CLASSES.length + label] = 1;
            float[] colour = {(float) random.nextDouble(0.5, 1), (float) random.nextDouble(0.5, 1),
                    (float) random.nextDouble(0.5, 1)};
            float[] background = {(float) random.nextDouble(0, 0.4), (float) random.nextDouble(0, 0.4),
                    (float) random.nextDouble(0, 0.4)};
            double cx = random.nextDouble(size * 0.3, size * 0.7);
            double cy = random.nextDouble(size * 0.3, size * 0.7);
            double radius = random.nextDouble(size * 0.15, size * 0.3);
            double period = random.nextDouble(3, 6);
            double phase = random.nextDouble(0, period);
            for (int yy = 0; yy < size; yy++) {
                for (int xx = 0; xx < size; xx++) {
                    double ink = ink(label, xx - cx, yy - cy, xx, yy, radius, period, phase, size);
                    for (int ch = 0; ch < 3; ch++) {
                        double noise = random.nextDouble(-0.15, 0.15);
                        double v = background[ch] + ink * (colour[ch] - background[ch]) + noise;
                        pixels[(i * 3 + ch) * plane + yy * size + xx] = (float) Math.max(0, Math.min(1, v));
                    }
                }
            }
        }
        return new DataSet(Nd4j.create(pixels, new long[] {n, 3L * plane}, 'c'),
                Nd4j.create(oneHot, new long[] {n, CLASSES.length}, 'c'));
    }

    /** @return how much of the foreground colour pixel (x, y) takes, 0 to 1 */
    private static double ink(int label, double dx, double dy, int x, int y, double radius, double period, double phase,
                              int size) {
        double r = Math.hypot(dx, dy);
        switch (label) {
            case 0:
                return stripe(y + phase, period);
            case 1:
                return stripe(x + phase, period);
            case 2:
                return stripe((x + y) / Math.sqrt(2) + phase, period);
            case 3:
                return stripe((x - y + size) / Math.sqrt(2) + phase, period);
            case 4:
                return r <= radius ? 1 : 0;
            case 5:
                return Math.abs(r - radius) <= 1.2 ? 1 : 0;
            case 6:
                return Math.max(Math.abs(dx), Math.abs(dy)) <= radius
                        && Math.max(Math.abs(dx), Math.abs(dy)) >= radius - 1.5 ? 1 : 0;
            default:
                return (Math.abs(dx) <= 1.2 && Math.abs(dy) <= radius)
                        || (Math.abs(dy) <= 1.2 && Math.abs(dx) <= radius) ? 1 : 0;
        }
    }

    private static double stripe(double coordinate, double period) {
        return (coordinate % period) < period / 2 ? 1 : 0;
    }
}
