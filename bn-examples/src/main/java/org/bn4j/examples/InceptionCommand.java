package org.bn4j.examples;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bn4j.examples.data.Cifar10;
import org.bn4j.examples.data.Examples;
import org.bn4j.examples.data.Shapes;
import org.bn4j.examples.experiments.InceptionExperiment;
import org.bn4j.examples.report.MarkdownReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "inception", mixinStandardHelpOptions = true, description = "Paper section 4.2: the five Inception variants of Figure 3 (Inception, BN-Baseline, BN-x5, BN-x30, BN-x5-Sigmoid).")
public final class InceptionCommand extends ExperimentCommand {
    @Option(names = "--steps", converter = Checked.PositiveInt.class, defaultValue = "200", description = "Training steps per network (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch-size", converter = Checked.PositiveInt.class, defaultValue = "32", description = "Examples per step (default: ${DEFAULT-VALUE}, as the paper).")
    int batchSize;

    @Option(names = "--lr", converter = Checked.PositiveDouble.class, defaultValue = "0.01", description = "The baseline's learning rate; BN-x5 uses 5x, BN-x30 30x (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--l2", converter = Checked.NonNegativeDouble.class, defaultValue = "1e-4", description = "The baseline's L2; the accelerated variants use a fifth (default: ${DEFAULT-VALUE}).")
    double l2;

    @Option(names = "--eval-every", converter = Checked.PositiveInt.class, defaultValue = "20", description = "Measure every this many steps (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--image-size", converter = Checked.PositiveMultipleOfFour.class, defaultValue = "16", description = "Side of the generated images, a multiple of 4 (default: ${DEFAULT-VALUE}).")
    int imageSize;

    @Option(names = "--train-examples", converter = Checked.PositiveInt.class, defaultValue = "4000", description = "Generated training images (default: ${DEFAULT-VALUE}).")
    int trainExamples;

    @Option(names = "--test-examples", converter = Checked.PositiveInt.class, defaultValue = "1000", description = "Generated test images (default: ${DEFAULT-VALUE}).")
    int testExamples;

    @Override
    String title() {
        return "Inception";
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("inception steps", steps);
        m.put("inception batch size", batchSize);
        m.put("inception base learning rate", learningRate);
        m.put("inception base L2", l2);
        m.put("inception images", common.dataDir == null
                ? trainExamples + " + " + testExamples + " generated, " + imageSize + "px" : common.dataDir);
        return m;
    }

    /** @return CIFAR-10 from {@code --data-dir}, else generated images of the given size and counts */
    static Examples images(CommonOptions common, int imageSize, int trainExamples, int testExamples) throws Exception {
        if (imageSize % 4 != 0) {
            throw new IllegalArgumentException(
                    "--image-size must be a multiple of 4 (two 2x2 poolings), got " + imageSize);
        }
        return common.dataDir == null ? Shapes.generate(imageSize, trainExamples, testExamples, common.seed)
                : Cifar10.fromDirectory(common.dataDir);
    }

    @Override
    public Integer call() throws Exception {
        if (given("--data-dir")) {
            for (String generatedOnly : new String[] {"--image-size", "--train-examples", "--test-examples"}) {
                refuseIfGiven(generatedOnly, "applies to generated images only, not with --data-dir (CIFAR-10)");
            }
        }
        return super.call();
    }

    @Override
    public MarkdownReport run(Path dir) throws Exception {
        Examples data = images(common, imageSize, trainExamples, testExamples);
        InceptionExperiment experiment = new InceptionExperiment(new InceptionExperiment.Settings(steps, batchSize,
                learningRate, l2, evalEvery, common.seed, common.bn, !common.noProgress));
        return experiment.report(experiment.run(data), data, dir);
    }
}
