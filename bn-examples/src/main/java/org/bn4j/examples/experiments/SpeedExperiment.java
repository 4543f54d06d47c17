package org.bn4j.examples.experiments;

import java.util.List;
import java.util.Locale;
import org.bn4j.examples.data.Examples;
import org.bn4j.examples.nets.BatchNormImpl;
import org.bn4j.examples.nets.InceptionNet;
import org.bn4j.examples.report.MarkdownReport;
import org.bn4j.examples.train.Progress;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training time per step of the Inception-style network (BN-x5) with bn4j's layer and with DL4J's built-in layer,
 * measured in the same run, alternating between the two so that machine noise falls on both.
 */
public final class SpeedExperiment {
    /**
     * @param steps     timed steps per network, after {@code warmup}
     * @param warmup    untimed steps first, for the JIT
     * @param batchSize examples per step
     * @param seed      seeds initialization and the batch
     * @param progress  draw a progress bar
     */
    public record Settings(int steps, int warmup, int batchSize, long seed, boolean progress) {
    }

    /** Milliseconds per training step for each implementation. */
    public record Result(double bn4jMillis, double builtInMillis) {
        public double speedup() {
            return builtInMillis / bn4jMillis;
        }
    }

    private final Settings s;

    public SpeedExperiment(Settings settings) {
        this.s = settings;
    }

    public Result run(Examples data) {
        InceptionNet.Variant variant = InceptionNet.FIGURE_3.get(2);
        InceptionNet.Training training = new InceptionNet.Training(0.01, 1e-4, s.steps() + s.warmup(), s.seed());
        ComputationGraph ours = InceptionNet.build(variant, BatchNormImpl.BN4J, data.channels(), data.height(),
                data.classes(), training);
        ComputationGraph builtIn = InceptionNet.build(variant, BatchNormImpl.BUILTIN, data.channels(), data.height(),
                data.classes(), training);
        int[] rows = new int[s.batchSize()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i % data.train().numExamples();
        }
        DataSet batch = new DataSet(Nd4j.pullRows(data.train().getFeatures(), 1, rows),
                Nd4j.pullRows(data.train().getLabels(), 1, rows));
        for (int i = 0; i < s.warmup(); i++) {
            ours.fit(batch);
            builtIn.fit(batch);
        }
        long oursNanos = 0;
        long builtInNanos = 0;
        try (Progress bar = Progress.start(s.progress(), "speed", s.steps(), " step pairs")) {
            for (int i = 0; i < s.steps(); i++) {
                long t0 = System.nanoTime();
                ours.fit(batch);
                long t1 = System.nanoTime();
                builtIn.fit(batch);
                long t2 = System.nanoTime();
                oursNanos += t1 - t0;
                builtInNanos += t2 - t1;
                bar.step();
            }
        }
        return new Result(oursNanos / 1e6 / s.steps(), builtInNanos / 1e6 / s.steps());
    }

    public MarkdownReport report(Result r, Examples data) {
        MarkdownReport md = new MarkdownReport().heading(2, "Speed: a training step of the Inception-style network");
        md.paragraph("The BN-x5 network of the previous section on " + data.name() + ", batch " + s.batchSize() + ", "
                + s.steps() + " timed steps per implementation after " + s.warmup()
                + " warm-up steps, alternating between "
                + "the two networks. Whole training steps: convolutions and the rest of the network take the same time in "
                + "both, so the ratio understates the difference between the BN layers themselves (see the benchmarks).");
        md.table(List.of("BN implementation", "ms per training step"),
                List.of(List.of("bn4j BatchNorm", String.format(Locale.ROOT, "%.1f", r.bn4jMillis())),
                        List.of("DL4J BatchNormalization", String.format(Locale.ROOT, "%.1f", r.builtInMillis()))));
        md.paragraph(String.format(Locale.ROOT, "Speed-up of the whole step with bn4j: %.2fx.", r.speedup()));
        return md;
    }
}
