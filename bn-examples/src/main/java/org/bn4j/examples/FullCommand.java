package org.bn4j.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.LongStream;
import org.bn4j.examples.data.Checksums;
import org.bn4j.examples.data.Examples;
import org.bn4j.examples.data.FashionMnist;
import org.bn4j.examples.experiments.PaperScaleExperiment;
import org.bn4j.examples.experiments.PaperScaleReport;
import org.bn4j.examples.experiments.RunStore;
import org.bn4j.examples.report.MarkdownReport;
import org.bn4j.examples.report.Provenance;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Option;

@Command(name = "full", mixinStandardHelpOptions = true, versionProvider = Bn4j.Version.class, description = {
        "The paper's experiments at its scale on Fashion-MNIST: Figure 1 (the sigmoid MLP, 60,000 images, "
                + "50,000 steps of 60, with and without BN) and Figures 2 and 3 (the five Inception variants, several seeds, "
                + "trained until the Inception baseline stops improving).",
        "Finished runs are kept in <output-dir>/runs; run the same command again to resume: finished runs with the "
                + "same settings are skipped, a run that was interrupted starts over."})
public final class FullCommand implements Callable<Integer> {
    @ParentCommand
    private Bn4j top;

    /** The top command's options, which picocli fills wherever on the command line they stand. */
    private CommonOptions common;

    @Option(names = "--mlp-steps", converter = Checked.PositiveInt.class, defaultValue = "50000", description = "Figure 1: training steps per network (default: ${DEFAULT-VALUE}, as the paper).")
    int mlpSteps;

    @Option(names = "--mlp-lr", converter = Checked.PositiveDouble.class, defaultValue = "0.5", description = "Figure 1: SGD learning rate (default: ${DEFAULT-VALUE}).")
    double mlpLearningRate;

    @Option(names = "--mlp-eval-every", converter = Checked.PositiveInt.class, defaultValue = "500", description = "Figure 1: measure every this many steps (default: ${DEFAULT-VALUE}).")
    int mlpEvalEvery;

    @Option(names = "--seeds", converter = Checked.PositiveInt.class, defaultValue = "3", description = "Figures 2, 3: seeds per variant, --seed and the next ones (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--max-steps", converter = Checked.PositiveInt.class, defaultValue = "4000", description = "Figures 2, 3: the baseline's step cap and the "
            + "learning-rate schedules' horizon (default: ${DEFAULT-VALUE}).")
    int maxSteps;

    @Option(names = "--eval-every", converter = Checked.PositiveInt.class, defaultValue = "250", description = "Figures 2, 3: measure every this many steps (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--patience", converter = Checked.PositiveInt.class, defaultValue = "4", description = "Figures 2, 3: the baseline stops after this many "
            + "measurements without a new best (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--min-gain", converter = Checked.NonNegativeDouble.class, defaultValue = "0.005", description = "Figures 2, 3: how much "
            + "a measurement must beat the baseline's best test accuracy to count as a new best, as a fraction (default: ${DEFAULT-VALUE}, "
            + "half a percentage point).")
    double minGain;

    @Option(names = "--lr", converter = Checked.PositiveDouble.class, defaultValue = "0.03", description = "Figures 2, 3: the baseline's learning rate; BN-x5 uses 5x, BN-x30 30x (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--l2", converter = Checked.NonNegativeDouble.class, defaultValue = "1e-4", description = "Figures 2, 3: the baseline's L2; the accelerated variants use a fifth (default: ${DEFAULT-VALUE}).")
    double l2;

    @Option(names = "--width", converter = Checked.PositiveDouble.class, defaultValue = "0.5", description = "Figures 2, 3: channel multiplier of the Inception-style network (default: ${DEFAULT-VALUE}).")
    double width;

    @Option(names = "--train-examples", converter = Checked.NonNegativeInt.class, defaultValue = "0", description = "Use only the first this many training images; 0 for all (default: ${DEFAULT-VALUE}).")
    int trainExamples;

    @Option(names = "--test-examples", converter = Checked.NonNegativeInt.class, defaultValue = "0", description = "Use only the first this many test images; 0 for all (default: ${DEFAULT-VALUE}).")
    int testExamples;

    @Option(names = "--parallel", converter = Checked.PositiveInt.class, defaultValue = "2", description = "Runs trained at the same time (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--nd4j-threads", converter = Checked.PositiveInt.class, defaultValue = "1", description = "ND4J's and OpenBLAS's threads per run (default: ${DEFAULT-VALUE}).")
    int nd4jThreads;

    private static final String TITLE = "the paper's experiments at its scale";

    PaperScaleExperiment.Mlp mlp() {
        return new PaperScaleExperiment.Mlp(mlpSteps, 60, mlpLearningRate, 0.1, mlpEvalEvery);
    }

    PaperScaleExperiment.Inception inception() {
        List<Long> seedList = LongStream.range(common.seed, common.seed + seeds).boxed().toList();
        return new PaperScaleExperiment.Inception(seedList, maxSteps, 32, learningRate, l2, evalEvery, patience,
                minGain, width);
    }

    /** @return the options, for the report's provenance */
    Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Figure 1", mlp());
        m.put("Figures 2, 3", inception());
        m.put("parallel runs", parallel);
        m.put("ND4J and OpenBLAS threads per run", nd4jThreads);
        return m;
    }

    @Override
    public Integer call() throws Exception {
        common = top.common;
        long start = System.nanoTime();
        Path dir = common.outputDir;
        Files.createDirectories(dir);
        Map<String, Object> settings = new LinkedHashMap<>(Experiment.commonSettings(common));
        settings.put("data", FashionMnist.locate(common.dataDir));
        settings.putAll(settings());
        List<String> digests = new ArrayList<>();
        for (Path file : FashionMnist.files(common.dataDir)) {
            String digest = Checksums.sha256(file);
            digests.add(digest);
            settings.put("sha256 of " + file, digest);
        }
        Examples data = FashionMnist.load(common.dataDir).head(trainExamples, testExamples);
        String slice = data.train().numExamples() + " train, " + data.test().numExamples() + " test";
        settings.put("examples", slice);
        String dataKey = Checksums.sha256(String.join(",", digests)).substring(0, 16) + ", " + slice;
        Map<String, String> provenance = Provenance.capture(settings);

        PaperScaleExperiment.Result result = new PaperScaleExperiment(mlp(), inception(), common.bn, parallel,
                nd4jThreads,
                !common.noProgress).run(data, dataKey, new RunStore(dir.resolve("runs")));
        MarkdownReport body = new PaperScaleReport(mlp(), inception()).write(result, data.name() + " (" + slice + ")",
                dir);
        double trainingSeconds = result.withoutBn().seconds() + result.withBn().seconds()
                + result.inception().values().stream().flatMap(List::stream).mapToDouble(c -> c.seconds()).sum();
        provenance.put("wall time of this invocation",
                String.format(Locale.ROOT, "%.0f s", (System.nanoTime() - start) / 1e9));
        provenance.put("training time summed over runs", String.format(Locale.ROOT,
                "%.0f s (evaluation excluded; runs overlap when parallel > 1)", trainingSeconds));
        MarkdownReport report = new MarkdownReport().writtenBy("bn4j full").heading(1, "bn4j: " + TITLE)
                .paragraph(
                        "Batch Normalization (Ioffe & Szegedy 2015, arXiv 1502.03167), Figures 1 to 3 rerun on real images "
                                + "with bn4j's BatchNorm layer for DL4J. Every number below is read from this run's files.")
                .heading(2, "Run").keyValues(provenance).append(body);
        report.write(dir.resolve("report.md"));
        Experiment.LOG.info("report written to {}", dir.resolve("report.md").toAbsolutePath());
        return 0;
    }
}
