package org.bn4j.examples.experiments;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bn4j.examples.data.Examples;
import org.bn4j.examples.nets.BatchNormImpl;
import org.bn4j.examples.nets.InceptionNet;
import org.bn4j.examples.report.Csv;
import org.bn4j.examples.report.MarkdownReport;
import org.bn4j.examples.report.Plot;
import org.bn4j.examples.train.Curve;
import org.bn4j.examples.train.Trainer;

/**
 * The paper's section 4.2 at a scale that fits 2 CPU cores: the five networks of Figure 3 trained on the same
 * images, and for each, the steps it takes to reach the best accuracy of the network without BN, and its own best.
 */
public final class InceptionExperiment {
    /**
     * @param steps            training steps per network
     * @param batchSize        examples per step (the paper: 32)
     * @param baseLearningRate the Inception baseline's learning rate; variants multiply it
     * @param baseL2           the baseline's L2 coefficient; accelerated variants divide it by 5
     * @param evalEvery        measure test accuracy every this many steps
     * @param seed             seeds initialization and minibatch order
     * @param bn               which BN implementation
     * @param progress         draw progress bars
     */
    public record Settings(int steps, int batchSize, double baseLearningRate, double baseL2, int evalEvery, long seed,
            BatchNormImpl bn, boolean progress) {
    }

    private final Settings s;

    public InceptionExperiment(Settings settings) {
        this.s = settings;
    }

    /** @return one curve per variant of {@link InceptionNet#FIGURE_3}, in that order */
    public List<Curve> run(Examples data) {
        Trainer trainer = new Trainer(s.steps(), s.batchSize(), s.evalEvery(), s.seed(), s.progress());
        InceptionNet.Training training = new InceptionNet.Training(s.baseLearningRate(), s.baseL2(), s.steps(),
                s.seed());
        List<Curve> curves = new ArrayList<>();
        for (InceptionNet.Variant variant : InceptionNet.FIGURE_3) {
            var net = InceptionNet.build(variant, s.bn(), data.channels(), data.height(), data.classes(), training);
            curves.add(trainer.train(variant.name(), net, data.train(), data.test()));
        }
        return curves;
    }

    public MarkdownReport report(List<Curve> curves, Examples data, Path dir) throws IOException {
        List<Plot.Series> lines = new ArrayList<>();
        curves.forEach(c -> lines.add(Plot.Series.accuracy(c)));
        Plot.lines(dir.resolve("inception-accuracy.png"), "Inception variants: test accuracy (paper Figure 2)",
                "training steps", "test accuracy", lines, 0.0, 1.0);
        List<List<Object>> csv = new ArrayList<>();
        for (Curve c : curves) {
            for (Curve.Point p : c.points()) {
                csv.add(List.of(c.name(), p.step(), p.accuracy()));
            }
        }
        Csv.write(dir.resolve("inception-accuracy.csv"), List.of("model", "step", "test_accuracy"), csv);

        double target = curves.get(0).bestAccuracy();
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < curves.size(); i++) {
            Curve c = curves.get(i);
            InceptionNet.Variant v = InceptionNet.FIGURE_3.get(i);
            int reached = c.stepsToReach(target);
            rows.add(List.of(v.name(), String.format(Locale.ROOT, "%.4g", s.baseLearningRate() * v.lrMultiplier()),
                    reached < 0 ? "never" : String.valueOf(reached), MarkdownReport.percent(c.bestAccuracy()),
                    String.valueOf(v.paperLr()),
                    v.paperSteps() == null ? "never" : String.format(Locale.ROOT, "%.1fe6", v.paperSteps() / 1e6),
                    String.format(Locale.ROOT, "%.1f%%", v.paperAccuracy())));
        }
        MarkdownReport md = new MarkdownReport().heading(2, "Inception-style network (paper section 4.2, Figure 3)");
        md.paragraph("Data: " + data.name()
                + ". Network: a stem 3x3 convolution, two inception modules (1x1; 1x1 then 3x3; "
                + "1x1 then two 3x3 in place of the 5x5; 3x3 average pooling with a 1x1 projection; merged), global average "
                + "pooling and softmax; SGD with Nesterov momentum 0.9, batch " + s.batchSize() + ", " + s.steps()
                + " steps, learning rate halved over the run (6x faster for the accelerated variants). The variants follow the "
                + "paper: BN-Baseline adds BN before every nonlinearity; BN-x5 and BN-x30 also raise the learning rate 5 and "
                + "30 times, drop dropout, divide L2 by 5 and decay the learning rate 6 times faster; BN-x5-Sigmoid uses "
                + "sigmoid instead of ReLU.");
        md.table(List.of("model", "learning rate", "steps to " + MarkdownReport.percent(target) + " (Inception's best)",
                "best accuracy",
                "paper: learning rate", "paper: steps to 72.2%", "paper: best accuracy"), rows);
        md.image("Inception variants, test accuracy", "inception-accuracy.png");
        md.paragraph("File: inception-accuracy.csv (test accuracy per step for each model).");
        return md;
    }
}
