package org.bn4j.examples.experiments;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bn4j.dl4j.CovariateShiftMonitor;
import org.bn4j.examples.data.Examples;
import org.bn4j.examples.nets.BatchNormImpl;
import org.bn4j.examples.nets.MnistMlp;
import org.bn4j.examples.report.Csv;
import org.bn4j.examples.report.MarkdownReport;
import org.bn4j.examples.report.Plot;
import org.bn4j.examples.train.Curve;
import org.bn4j.examples.train.Trainer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The paper's section 4.1 on MNIST: the sigmoid MLP with and without BN, test accuracy against steps (Figure 1a),
 * the 15th, 50th and 85th percentiles of one sigmoid's input over training (Figures 1b and 1c), and the same two
 * networks at a high learning rate, where only the BN network learns.
 */
public final class MnistExperiment {
    /**
     * @param steps            training steps per network (the paper: 50,000)
     * @param batchSize        examples per step (the paper: 60)
     * @param learningRate     SGD step size of the main comparison
     * @param highLearningRate a step size at which the plain sigmoid network fails
     * @param initStd          standard deviation of the Gaussian initial weights
     * @param evalEvery        measure accuracy and percentiles every this many steps
     * @param seed             seeds initialization and minibatch order
     * @param bn               which BN implementation
     * @param progress         draw progress bars
     */
    public record Settings(int steps, int batchSize, double learningRate, double highLearningRate, double initStd,
            int evalEvery, long seed, BatchNormImpl bn, boolean progress) {
    }

    /** What the experiment measured. */
    public record Result(Curve withoutBn, Curve withBn, Curve withoutBnHighLr, Curve withBnHighLr,
            CovariateShiftMonitor monitorWithoutBn, CovariateShiftMonitor monitorWithBn) {
    }

    static final double[] PERCENTILES = {15, 50, 85};
    static final int PROBE = 500;

    private final Settings s;

    public MnistExperiment(Settings settings) {
        this.s = settings;
    }

    public Result run(Examples data) {
        INDArray probe = probe(data);
        Trainer trainer = new Trainer(s.steps(), s.batchSize(), s.evalEvery(), s.seed(), s.progress());
        CovariateShiftMonitor plainMonitor = monitor(probe, false);
        CovariateShiftMonitor bnMonitor = monitor(probe, true);
        Curve plain = train(trainer, "without BN", null, s.learningRate(), plainMonitor, data);
        Curve withBn = train(trainer, "with BN", s.bn(), s.learningRate(), bnMonitor, data);
        Curve plainHigh = train(trainer, "without BN, lr " + s.highLearningRate(), null, s.highLearningRate(), null,
                data);
        Curve bnHigh = train(trainer, "with BN, lr " + s.highLearningRate(), s.bn(), s.highLearningRate(), null, data);
        return new Result(plain, withBn, plainHigh, bnHigh, plainMonitor, bnMonitor);
    }

    private CovariateShiftMonitor monitor(INDArray probe, boolean batchNorm) {
        return monitor(probe, batchNorm, s.evalEvery());
    }

    /** @return a monitor of unit 0 at the input of the last hidden sigmoid, over the first {@link #PROBE} test examples */
    static CovariateShiftMonitor monitor(INDArray probe, boolean batchNorm, int every) {
        return new CovariateShiftMonitor(probe, MnistMlp.lastSigmoidInput(batchNorm), 0, every, true, PERCENTILES);
    }

    /** @return the examples a monitor feeds through the network */
    static INDArray probe(Examples data) {
        return data.test().getFeatures().get(NDArrayIndex.interval(0, Math.min(PROBE, data.test().numExamples())),
                NDArrayIndex.all());
    }

    private Curve train(Trainer trainer, String name, BatchNormImpl bn, double lr, CovariateShiftMonitor monitor,
                        Examples data) {
        MultiLayerNetwork net = MnistMlp.build(bn, lr, s.initStd(), s.seed());
        if (monitor != null) {
            monitor.recordInitial(net);
            net.addListeners(monitor);
        }
        return trainer.train(name, net, data.train(), data.test());
    }

    /** Writes plots and CSV into {@code dir} and returns the report section. */
    public MarkdownReport report(Result r, Examples data, Path dir) throws IOException {
        Plot.lines(dir.resolve("mnist-accuracy.png"), "MNIST test accuracy (paper Figure 1a)", "training steps",
                "test accuracy",
                List.of(Plot.Series.accuracy(r.withoutBn()), Plot.Series.accuracy(r.withBn())), null, 1.0);
        Plot.lines(dir.resolve("mnist-high-lr.png"), "MNIST test accuracy at learning rate " + s.highLearningRate(),
                "training steps", "test accuracy",
                List.of(Plot.Series.accuracy(r.withoutBnHighLr()), Plot.Series.accuracy(r.withBnHighLr())), 0.0, 1.0);
        Plot.lines(dir.resolve("mnist-sigmoid-input-without-bn.png"), "Input to a sigmoid without BN (paper Figure 1b)",
                "training steps", "value", percentileSeries(r.monitorWithoutBn()), null, null);
        Plot.lines(dir.resolve("mnist-sigmoid-input-with-bn.png"), "Input to a sigmoid with BN (paper Figure 1c)",
                "training steps", "value", percentileSeries(r.monitorWithBn()), null, null);
        writeCsv(r, dir);

        MarkdownReport md = new MarkdownReport().heading(2, "MNIST (paper section 4.1)");
        md.paragraph("Data: " + data.name() + ". Network: 784-100-100-100-10, sigmoid hidden units, softmax with "
                + "cross-entropy, weights from N(0, " + s.initStd() + "), plain SGD at learning rate "
                + s.learningRate()
                + ", batch " + s.batchSize() + ", " + s.steps() + " steps (the paper: 50,000 steps of 60 on the full "
                + "60,000-digit training set). With BN, each hidden layer is Wx -> BN -> sigmoid, without bias.");
        md.table(List.of("network", "learning rate", "after 100 steps", "after 200", "after 500", "at the end ("
                + s.steps() + ")", "best", "first step at 90%", "training time (s)"),
                List.of(row(r.withoutBn(), s.learningRate()), row(r.withBn(), s.learningRate()),
                        row(r.withoutBnHighLr(), s.highLearningRate()), row(r.withBnHighLr(), s.highLearningRate())));
        md.image("test accuracy, paper Figure 1a", "mnist-accuracy.png");
        md.paragraph("The paper's Figure 1(a): the network with BN reaches higher test accuracy, faster, than the one "
                + "without. Figures 1(b, c): over training, the 15th, 50th and 85th percentiles of a typical sigmoid's input "
                + "drift in the network without BN and stay steady with BN. Here the watched unit is unit 0 of the last "
                + "hidden layer, over " + PROBE
                + " fixed test digits fed in training mode (BN uses their batch statistics, "
                + "as in training; nothing is updated).");
        md.image("sigmoid input without BN, paper Figure 1b", "mnist-sigmoid-input-without-bn.png");
        md.image("sigmoid input with BN, paper Figure 1c", "mnist-sigmoid-input-with-bn.png");
        md.table(
                List.of("network", "15th / 50th / 85th percentile at step 0", "at the end",
                        "largest change of a percentile"),
                List.of(shiftRow("without BN", r.monitorWithoutBn()), shiftRow("with BN", r.monitorWithBn())));
        md.image("high learning rate", "mnist-high-lr.png");
        md.paragraph("Files: mnist-accuracy.csv (test accuracy per step for all four runs), mnist-sigmoid-input.csv "
                + "(percentiles per step).");
        return md;
    }

    private static List<String> shiftRow(String name, CovariateShiftMonitor monitor) {
        return shiftRow(name, monitor.records());
    }

    /** @return a table row: the percentiles at the first and last record, and the largest change of one of them */
    static List<String> shiftRow(String name, List<CovariateShiftMonitor.Record> records) {
        return List.of(name, triple(records.get(0).percentiles()),
                triple(records.get(records.size() - 1).percentiles()),
                String.format(Locale.ROOT, "%.2f", largestChange(records)));
    }

    /** @return the largest change of one percentile between the first and the last record */
    static double largestChange(List<CovariateShiftMonitor.Record> records) {
        double[] first = records.get(0).percentiles();
        double[] last = records.get(records.size() - 1).percentiles();
        double largest = 0;
        for (int k = 0; k < first.length; k++) {
            largest = Math.max(largest, Math.abs(last[k] - first[k]));
        }
        return largest;
    }

    private static String triple(double[] p) {
        return String.format(Locale.ROOT, "%.2f / %.2f / %.2f", p[0], p[1], p[2]);
    }

    private static List<String> row(Curve c, double lr) {
        int at90 = c.stepsToReach(0.90);
        return List.of(c.name(), String.valueOf(lr), accuracyAt(c, 100), accuracyAt(c, 200), accuracyAt(c, 500),
                MarkdownReport.percent(c.finalAccuracy()), MarkdownReport.percent(c.bestAccuracy()),
                at90 < 0 ? "never" : String.valueOf(at90),
                String.format(Locale.ROOT, "%.1f", c.seconds()));
    }

    /** @return the accuracy measured at {@code step}, or a dash if none was */
    static String accuracyAt(Curve c, int step) {
        return c.points().stream().filter(p -> p.step() == step).findFirst()
                .map(p -> MarkdownReport.percent(p.accuracy())).orElse("-");
    }

    private static List<Plot.Series> percentileSeries(CovariateShiftMonitor monitor) {
        return percentileSeries(monitor.records(), monitor.percentiles());
    }

    /** @return one line per percentile over the records' iterations */
    static List<Plot.Series> percentileSeries(List<CovariateShiftMonitor.Record> records, double[] p) {
        List<Plot.Series> out = new ArrayList<>();
        for (int k = 0; k < p.length; k++) {
            double[] x = new double[records.size()];
            double[] y = new double[records.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = records.get(i).iteration();
                y[i] = records.get(i).percentiles()[k];
            }
            out.add(new Plot.Series(String.format(Locale.ROOT, "%.0fth percentile", p[k]), x, y));
        }
        return out;
    }

    private void writeCsv(Result r, Path dir) throws IOException {
        List<List<Object>> rows = new ArrayList<>();
        for (Curve c : List.of(r.withoutBn(), r.withBn(), r.withoutBnHighLr(), r.withBnHighLr())) {
            for (Curve.Point p : c.points()) {
                rows.add(List.of(c.name(), p.step(), p.accuracy()));
            }
        }
        Csv.write(dir.resolve("mnist-accuracy.csv"), List.of("network", "step", "test_accuracy"), rows);
        List<List<Object>> pRows = new ArrayList<>();
        for (var entry : List.of(java.util.Map.entry("without BN", r.monitorWithoutBn()),
                java.util.Map.entry("with BN", r.monitorWithBn()))) {
            for (CovariateShiftMonitor.Record rec : entry.getValue().records()) {
                pRows.add(List.of(entry.getKey(), rec.iteration(), rec.percentiles()[0], rec.percentiles()[1],
                        rec.percentiles()[2]));
            }
        }
        Csv.write(dir.resolve("mnist-sigmoid-input.csv"), List.of("network", "step", "p15", "p50", "p85"), pRows);
    }
}
