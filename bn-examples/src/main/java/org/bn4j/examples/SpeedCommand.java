package org.bn4j.examples;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bn4j.examples.data.Examples;
import org.bn4j.examples.experiments.SpeedExperiment;
import org.bn4j.examples.report.MarkdownReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "speed", mixinStandardHelpOptions = true, description = "Time per training step of the Inception-style net with bn4j's BN against DL4J's built-in BN.")
public final class SpeedCommand extends ExperimentCommand {
    @Option(names = "--steps", converter = Checked.PositiveInt.class, defaultValue = "20", description = "Timed steps per network (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", converter = Checked.NonNegativeInt.class, defaultValue = "5", description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--batch-size", converter = Checked.PositiveInt.class, defaultValue = "32", description = "Examples per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--image-size", converter = Checked.PositiveMultipleOfFour.class, defaultValue = "32", description = "Side of the generated images (default: ${DEFAULT-VALUE}).")
    int imageSize;

    @Override
    String title() {
        return "Speed";
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("speed steps", steps + " timed after " + warmup + " warm-up");
        m.put("speed batch size", batchSize);
        return m;
    }

    @Override
    public Integer call() throws Exception {
        refuseIfGiven("--bn",
                "does not apply to speed, which times both bn4j's BatchNorm and DL4J's BatchNormalization");
        if (given("--data-dir")) {
            refuseIfGiven("--image-size", "does not apply with --data-dir: CIFAR-10's images are 32x32");
        }
        return super.call();
    }

    @Override
    public MarkdownReport run(Path dir) throws Exception {
        Examples data = InceptionCommand.images(common, imageSize, Math.max(batchSize, 64), 1);
        SpeedExperiment experiment = new SpeedExperiment(
                new SpeedExperiment.Settings(steps, warmup, batchSize, common.seed, !common.noProgress));
        return experiment.report(experiment.run(data), data);
    }
}
