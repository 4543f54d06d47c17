package org.bn4j.examples.experiments;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bn4j.dl4j.CovariateShiftMonitor;
import org.bn4j.examples.nets.InceptionNet;
import org.bn4j.examples.report.Csv;
import org.bn4j.examples.report.MarkdownReport;
import org.bn4j.examples.report.Plot;
import org.bn4j.examples.train.Curve;

/**
 * The report of a {@link PaperScaleExperiment}: Figure 1's table and plots, Figure 3's table as mean and range over
 * seeds beside the paper's numbers, a plot of Figure 2, and the paper's claims checked one by one. Every number comes
 * from the runs' files. For each seed, the target of the variants is the best accuracy of the Inception baseline with
 * that seed.
 */
public final class PaperScaleReport {
    private static final int[] MLP_STEPS_SHOWN = {1000, 5000, 20000};

    private final PaperScaleExperiment.Mlp mlp;
    private final PaperScaleExperiment.Inception inception;

    public PaperScaleReport(PaperScaleExperiment.Mlp mlp, PaperScaleExperiment.Inception inception) {
        this.mlp = mlp;
        this.inception = inception;
    }

    /** How one variant did with one seed, against the Inception baseline of the same seed. */
    record SeedRun(String model, long seed, int stepsRun, double best, int stepOfBest, double target,
            int stepsToTarget) {
        boolean reached() {
            return stepsToTarget >= 0;
        }
    }

    /** Writes plots and CSV into {@code dir} and returns the report's sections. */
    public MarkdownReport write(PaperScaleExperiment.Result r, String dataName, Path dir) throws IOException {
        MarkdownReport md = new MarkdownReport();
        md.append(figure1(r, dataName, dir));
        List<SeedRun> runs = seedRuns(r, inception.seeds());
        md.append(figure3(r, runs, dataName, dir));
        md.append(claims(r, runs));
        return md;
    }

    private MarkdownReport figure1(PaperScaleExperiment.Result r, String dataName, Path dir) throws IOException {
        Plot.lines(dir.resolve("mlp-accuracy.png"), "Sigmoid MLP: test accuracy (paper Figure 1a)", "training steps",
                "test accuracy",
                List.of(Plot.Series.accuracy(r.withoutBn()), Plot.Series.accuracy(r.withBn())), null, 1.0);
        Plot.lines(dir.resolve("mlp-sigmoid-input-without-bn.png"), "Input to a sigmoid without BN (paper Figure 1b)",
                "training steps", "value",
                MnistExperiment.percentileSeries(r.inputWithoutBn(), MnistExperiment.PERCENTILES), null, null);
        Plot.lines(dir.resolve("mlp-sigmoid-input-with-bn.png"), "Input to a sigmoid with BN (paper Figure 1c)",
                "training steps", "value",
                MnistExperiment.percentileSeries(r.inputWithBn(), MnistExperiment.PERCENTILES), null, null);
        List<List<Object>> rows = new ArrayList<>();
        for (Curve c : List.of(r.withoutBn(), r.withBn())) {
            c.points().forEach(p -> rows.add(List.of(c.name(), p.step(), p.accuracy())));
        }
        Csv.write(dir.resolve("mlp-accuracy.csv"), List.of("network", "step", "test_accuracy"), rows);
        List<List<Object>> inputRows = new ArrayList<>();
        addInputRows(inputRows, "without BN", r.inputWithoutBn());
        addInputRows(inputRows, "with BN", r.inputWithBn());
        Csv.write(dir.resolve("mlp-sigmoid-input.csv"), List.of("network", "step", "p15", "p50", "p85"), inputRows);

        double plainBest = r.withoutBn().bestAccuracy();
        List<String> header = new ArrayList<>(List.of("network"));
        for (int step : MLP_STEPS_SHOWN) {
            header.add(String.format(Locale.ROOT, "after %,d steps", step));
        }
        header.addAll(List.of(String.format(Locale.ROOT, "at the end (%,d)", mlp.steps()), "best", "step of best",
                "steps to " + MarkdownReport.percent(plainBest) + " (without BN's best)"));
        List<List<String>> table = new ArrayList<>();
        for (Curve c : List.of(r.withoutBn(), r.withBn())) {
            List<String> row = new ArrayList<>(List.of(c.name()));
            for (int step : MLP_STEPS_SHOWN) {
                row.add(MnistExperiment.accuracyAt(c, step));
            }
            row.addAll(List.of(MarkdownReport.percent(c.finalAccuracy()), MarkdownReport.percent(c.bestAccuracy()),
                    steps(c.stepsToReach(c.bestAccuracy())), steps(c.stepsToReach(plainBest))));
            table.add(row);
        }
        MarkdownReport md = new MarkdownReport().heading(2,
                "Figure 1: the sigmoid MLP with and without BN (paper section 4.1)");
        md.paragraph("Data: " + dataName
                + ". Network: 784-100-100-100-10, sigmoid hidden units, softmax with cross-entropy, "
                + "weights from N(0, " + mlp.initStd() + "), plain SGD at learning rate " + mlp.learningRate()
                + ", batch "
                + mlp.batchSize() + String.format(Locale.ROOT, ", %,d steps", mlp.steps())
                + "; test accuracy on the whole test set every "
                + mlp.evalEvery()
                + " steps. With BN, each hidden layer is Wx -> BN -> sigmoid, without bias. One seed, as in the paper.");
        md.table(header, table);
        md.image("test accuracy, paper Figure 1a", "mlp-accuracy.png");
        md.paragraph(
                "Figures 1(b, c): the 15th, 50th and 85th percentiles of the input to unit 0 of the last hidden layer's "
                        + "sigmoid, over the first " + MnistExperiment.PROBE
                        + " test images fed in training mode (BN uses their batch "
                        + "statistics; nothing is updated).");
        md.image("sigmoid input without BN, paper Figure 1b", "mlp-sigmoid-input-without-bn.png");
        md.image("sigmoid input with BN, paper Figure 1c", "mlp-sigmoid-input-with-bn.png");
        md.table(
                List.of("network", "15th / 50th / 85th percentile at step 0", "at the end",
                        "largest change of a percentile"),
                List.of(MnistExperiment.shiftRow("without BN", r.inputWithoutBn()),
                        MnistExperiment.shiftRow("with BN", r.inputWithBn())));
        md.paragraph("Files: mlp-accuracy.csv, mlp-sigmoid-input.csv.");
        return md;
    }

    private static void addInputRows(List<List<Object>> rows, String network,
                                     List<CovariateShiftMonitor.Record> records) {
        for (CovariateShiftMonitor.Record rec : records) {
            rows.add(List.of(network, rec.iteration(), rec.percentiles()[0], rec.percentiles()[1],
                    rec.percentiles()[2]));
        }
    }

    /** @return every variant's run with every seed, against the same seed's baseline */
    static List<SeedRun> seedRuns(PaperScaleExperiment.Result r, List<Long> seeds) {
        List<SeedRun> out = new ArrayList<>();
        List<Curve> baselines = r.inception().get(InceptionNet.FIGURE_3.get(0).name());
        for (InceptionNet.Variant v : InceptionNet.FIGURE_3) {
            List<Curve> curves = r.inception().get(v.name());
            for (int i = 0; i < curves.size(); i++) {
                Curve c = curves.get(i);
                double target = baselines.get(i).bestAccuracy();
                out.add(new SeedRun(v.name(), seeds.get(i), c.points().get(c.points().size() - 1).step(),
                        c.bestAccuracy(),
                        c.stepsToReach(c.bestAccuracy()), target, c.stepsToReach(target)));
            }
        }
        return out;
    }

    private MarkdownReport figure3(PaperScaleExperiment.Result r, List<SeedRun> runs, String dataName, Path dir)
            throws IOException {
        List<List<Object>> curveRows = new ArrayList<>();
        List<Plot.Series> means = new ArrayList<>();
        for (InceptionNet.Variant v : InceptionNet.FIGURE_3) {
            List<Curve> curves = r.inception().get(v.name());
            for (int i = 0; i < curves.size(); i++) {
                long seed = inception.seeds().get(i);
                curves.get(i).points().forEach(p -> curveRows.add(List.of(v.name(), seed, p.step(), p.accuracy())));
            }
            means.add(meanCurve(v.name(), curves));
        }
        Csv.write(dir.resolve("inception-accuracy.csv"), List.of("model", "seed", "step", "test_accuracy"), curveRows);
        Plot.lines(dir.resolve("inception-accuracy.png"),
                "Inception variants: test accuracy, mean over " + inception.seeds().size()
                        + " seeds (paper Figure 2)",
                "training steps", "test accuracy", means, null, 1.0);

        List<List<Object>> runRows = new ArrayList<>();
        for (SeedRun s : runs) {
            runRows.add(List.of(s.model(), s.seed(), s.stepsRun(), s.best(), s.stepOfBest(), s.target(),
                    s.reached() ? String.valueOf(s.stepsToTarget()) : "never"));
        }
        Csv.write(dir.resolve("inception-runs.csv"),
                List.of("model", "seed", "steps_run", "best_accuracy", "step_of_best",
                        "inception_best_same_seed", "steps_to_inception_best"),
                runRows);

        List<List<Object>> summaryRows = new ArrayList<>();
        List<List<String>> table = new ArrayList<>();
        for (InceptionNet.Variant v : InceptionNet.FIGURE_3) {
            List<SeedRun> mine = runs.stream().filter(s -> s.model().equals(v.name())).toList();
            Spread best = Spread.of(mine.stream().mapToDouble(s -> 100 * s.best()).toArray());
            Spread toTarget = Spread
                    .of(mine.stream().filter(SeedRun::reached).mapToDouble(SeedRun::stepsToTarget).toArray());
            Spread stepsRun = Spread.of(mine.stream().mapToDouble(SeedRun::stepsRun).toArray());
            double lr = inception.baseLearningRate() * v.lrMultiplier();
            summaryRows.add(List.of(v.name(), lr, mine.size(), toTarget.count(), toTarget.mean(), toTarget.min(),
                    toTarget.max(),
                    best.mean(), best.min(), best.max()));
            table.add(
                    List.of(v.name(), new BigDecimal(lr).round(new MathContext(3)).stripTrailingZeros().toPlainString(),
                            toTarget.count() + " of " + mine.size(),
                            toTarget.format("%,.0f"), best.format("%.2f%%"), stepsRun.format("%,.0f"),
                            String.valueOf(v.paperLr()),
                            v.paperSteps() == null ? "never"
                                    : String.format(Locale.ROOT, "%.1fe6", v.paperSteps() / 1e6),
                            String.format(Locale.ROOT, "%.1f%%", v.paperAccuracy())));
        }
        Csv.write(dir.resolve("inception-summary.csv"),
                List.of("model", "learning_rate", "seeds", "seeds_reaching_inception_best",
                        "steps_to_inception_best_mean", "steps_to_inception_best_min", "steps_to_inception_best_max",
                        "best_accuracy_percent_mean", "best_accuracy_percent_min", "best_accuracy_percent_max"),
                summaryRows);

        MarkdownReport md = new MarkdownReport().heading(2,
                "Figures 2 and 3: five Inception variants (paper section 4.2)");
        md.paragraph("Data: " + dataName + ". Network: " + InceptionNet.DESCRIPTION + " Channel widths x"
                + inception.width()
                + ". SGD with Nesterov momentum 0.9, batch " + inception.batchSize() + ", base learning rate "
                + inception.baseLearningRate() + " halved over "
                + String.format(Locale.ROOT, "%,d", inception.maxSteps())
                + " steps (6 times faster for the accelerated variants), L2 " + inception.baseL2()
                + ". The variants follow "
                + "the paper: BN-Baseline adds BN before every nonlinearity; BN-x5 and BN-x30 also raise the learning rate 5 "
                + "and 30 times, drop dropout, divide L2 by 5 and decay the learning rate 6 times faster; BN-x5-Sigmoid uses "
                + "sigmoid instead of ReLU.");
        md.paragraph(String.format(Locale.ROOT,
                "Run length: test accuracy on the whole test set every %d steps; for each seed "
                        + "the Inception baseline stops after %d measurements in a row that do not beat its best by more than %.1f "
                        + "percentage points (%,d steps after its last such gain), "
                        + "or at %,d steps; the four other variants then train for as many steps as the baseline of their seed did. "
                        + "Seeds: %s. A variant's target is the best accuracy of the Inception baseline with the same seed; \"steps to "
                        + "Inception's best\" is the first measured step at or above it, averaged over the seeds that reached it. "
                        + "Spreads are mean (min-max) over seeds.",
                inception.evalEvery(), inception.patience(), 100 * inception.minGain(),
                inception.patience() * inception.evalEvery(), inception.maxSteps(), inception.seeds()));
        md.table(List.of("model", "learning rate", "seeds reaching Inception's best", "steps to Inception's best",
                "best accuracy", "steps run", "paper: learning rate", "paper: steps to 72.2%", "paper: best accuracy"),
                table);
        md.image("Inception variants, test accuracy", "inception-accuracy.png");
        md.paragraph("Files: inception-summary.csv (this table), inception-runs.csv (one row per variant and seed), "
                + "inception-accuracy.csv (every measurement), runs/ (each run's curve and settings).");
        return md;
    }

    /** @return the mean accuracy over seeds at each step that every seed measured */
    static Plot.Series meanCurve(String name, List<Curve> curves) {
        List<double[]> points = new ArrayList<>();
        for (Curve.Point p : curves.get(0).points()) {
            double sum = 0;
            boolean everySeed = true;
            for (Curve c : curves) {
                var match = c.points().stream().filter(q -> q.step() == p.step()).findFirst();
                everySeed &= match.isPresent();
                sum += match.map(Curve.Point::accuracy).orElse(0.0);
            }
            if (everySeed) {
                points.add(new double[] {p.step(), sum / curves.size()});
            }
        }
        return new Plot.Series(name, points.stream().mapToDouble(p -> p[0]).toArray(),
                points.stream().mapToDouble(p -> p[1]).toArray());
    }

    private MarkdownReport claims(PaperScaleExperiment.Result r, List<SeedRun> runs) {
        ClaimTable claims = new ClaimTable(runs, inception.seeds().size());
        Curve plain = r.withoutBn();
        Curve bn = r.withBn();
        claims.single("Figure 1a: with BN the MLP reaches a higher test accuracy",
                "higher (no numbers given)",
                MarkdownReport.percent(bn.bestAccuracy()) + " with BN, " + MarkdownReport.percent(plain.bestAccuracy())
                        + " without",
                bn.bestAccuracy() > plain.bestAccuracy());
        int bnToPlainBest = bn.stepsToReach(plain.bestAccuracy());
        int plainToBest = plain.stepsToReach(plain.bestAccuracy());
        claims.single("Figure 1a: with BN the MLP reaches the best accuracy of the MLP without BN in fewer steps",
                "fewer", steps(bnToPlainBest) + " steps with BN, " + steps(plainToBest) + " without",
                bnToPlainBest >= 0 && bnToPlainBest < plainToBest);
        double shiftPlain = MnistExperiment.largestChange(r.inputWithoutBn());
        double shiftBn = MnistExperiment.largestChange(r.inputWithBn());
        claims.single("Figures 1b, 1c: with BN the distribution of a sigmoid's input moves less over training",
                "steadier",
                String.format(Locale.ROOT, "largest change of a percentile %.2f with BN, %.2f without", shiftBn,
                        shiftPlain),
                shiftBn < shiftPlain);
        claims.perSeed("BN-Baseline reaches Inception's best in fewer steps than Inception", "13.3e6 vs 31.0e6",
                (a, base) -> a.reached() && a.stepsToTarget() < base.stepOfBest(), "BN-Baseline", "Inception");
        claims.perSeed("BN-x5 reaches Inception's best in fewer steps than BN-Baseline", "2.1e6 vs 13.3e6",
                (a, b) -> a.reached() && (!b.reached() || a.stepsToTarget() < b.stepsToTarget()), "BN-x5",
                "BN-Baseline");
        claims.perSeed("BN-x5 reaches Inception's best in fewer steps than BN-x30", "2.1e6 vs 2.7e6",
                (a, b) -> a.reached() && (!b.reached() || a.stepsToTarget() < b.stepsToTarget()), "BN-x5", "BN-x30");
        claims.perSeed("BN-x30 ends with a higher best accuracy than BN-x5", "74.8% vs 73.0%",
                (a, b) -> a.best() > b.best(), "BN-x30", "BN-x5");
        for (String model : List.of("BN-Baseline", "BN-x5", "BN-x30")) {
            double paper = InceptionNet.FIGURE_3.stream().filter(v -> v.name().equals(model)).findFirst().orElseThrow()
                    .paperAccuracy();
            claims.perSeed(model + " ends with a higher best accuracy than Inception",
                    String.format(Locale.ROOT, "%.1f%% vs 72.2%%", paper),
                    (a, base) -> a.best() > base.best(), model, "Inception");
        }
        claims.perSeed("BN-x5-Sigmoid never reaches Inception's best", "69.8% vs 72.2%", (a, base) -> !a.reached(),
                "BN-x5-Sigmoid", "Inception");
        MarkdownReport md = new MarkdownReport().heading(2, "The paper's claims, checked on these runs");
        md.paragraph(
                "Each Figure 3 claim is checked seed by seed, comparing runs with the same seed; \"holds\" means on every seed.");
        md.table(List.of("claim", "paper", "here", "holds?"), claims.rows());
        return md;
    }

    static String steps(int step) {
        return step < 0 ? "never" : String.format(Locale.ROOT, "%,d", step);
    }
}
