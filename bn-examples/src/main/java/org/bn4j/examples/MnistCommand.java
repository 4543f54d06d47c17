package org.bn4j.examples;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bn4j.examples.data.Examples;
import org.bn4j.examples.data.Mnist;
import org.bn4j.examples.experiments.MnistExperiment;
import org.bn4j.examples.report.MarkdownReport;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "mnist", mixinStandardHelpOptions = true, description = "Paper section 4.1: the sigmoid MLP on MNIST with and without BN (Figures 1a, 1b, 1c).")
public final class MnistCommand extends ExperimentCommand {
    @Option(names = "--steps", converter = Checked.PositiveInt.class, defaultValue = "2000", description = "Training steps per network (default: ${DEFAULT-VALUE}; the paper: 50000).")
    int steps;

    @Option(names = "--batch-size", converter = Checked.PositiveInt.class, defaultValue = "60", description = "Examples per step (default: ${DEFAULT-VALUE}, as the paper).")
    int batchSize;

    @Option(names = "--lr", converter = Checked.PositiveDouble.class, defaultValue = "0.5", description = "SGD learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--high-lr", converter = Checked.PositiveDouble.class, defaultValue = "30", description = "A learning rate at which the plain sigmoid net fails (default: ${DEFAULT-VALUE}).")
    double highLearningRate;

    @Option(names = "--init-std", converter = Checked.PositiveDouble.class, defaultValue = "0.1", description = "Std of the Gaussian initial weights (default: ${DEFAULT-VALUE}).")
    double initStd;

    @Option(names = "--eval-every", converter = Checked.PositiveInt.class, defaultValue = "100", description = "Measure every this many steps (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--nd4j-threads", converter = Checked.PositiveInt.class, defaultValue = "1", description = "ND4J's OpenMP threads: on this small net, "
            + "per-op thread overhead outweighs parallel work (default: ${DEFAULT-VALUE}).")
    int nd4jThreads;

    @Override
    String title() {
        return "MNIST";
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mnist steps", steps);
        m.put("mnist batch size", batchSize);
        m.put("mnist learning rate", learningRate);
        m.put("mnist high learning rate", highLearningRate);
        m.put("mnist init std", initStd);
        m.put("mnist nd4j threads", nd4jThreads);
        return m;
    }

    @Override
    public MarkdownReport run(Path dir) throws Exception {
        Examples data = common.dataDir == null ? Mnist.bundled() : Mnist.fromDirectory(common.dataDir);
        MnistExperiment experiment = new MnistExperiment(new MnistExperiment.Settings(steps, batchSize, learningRate,
                highLearningRate, initStd, evalEvery, common.seed, common.bn, !common.noProgress));
        int threads = Nd4j.getEnvironment().maxThreads();
        Nd4j.getEnvironment().setMaxThreads(nd4jThreads);
        try {
            return experiment.report(experiment.run(data), data, dir);
        } finally {
            Nd4j.getEnvironment().setMaxThreads(threads);
        }
    }
}
