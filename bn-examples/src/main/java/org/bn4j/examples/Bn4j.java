package org.bn4j.examples;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The command line of bn-examples. Without a subcommand it runs all three experiments at their default sizes,
 * which fit in a few minutes on 2 cores, and writes one report.
 */
@Command(name = "bn4j", mixinStandardHelpOptions = true, version = "bn4j 0.1.0",
        description = "Reruns the experiments of the Batch Normalization paper with bn4j's BatchNorm layer and writes a "
                + "Markdown report with PNG plots and CSV. Without a subcommand: mnist, inception and speed, in that order.",
        subcommands = {MnistCommand.class, InceptionCommand.class, SpeedCommand.class, FullCommand.class})
public final class Bn4j implements Callable<Integer> {
    @Mixin
    CommonOptions common = new CommonOptions();

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Bn4j()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        MnistCommand mnist = withDefaults(new MnistCommand());
        InceptionCommand inception = withDefaults(new InceptionCommand());
        SpeedCommand speed = withDefaults(new SpeedCommand());
        if (common.dataDir != null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--data-dir names one data set: use it with a subcommand (mnist for MNIST, inception or speed for CIFAR-10)");
        }
        Map<String, Object> settings = new LinkedHashMap<>(Experiment.commonSettings(common));
        settings.putAll(mnist.settings());
        settings.putAll(inception.settings());
        settings.putAll(speed.settings());
        return Experiment.write(common.outputDir, "bn4j: the Batch Normalization paper's experiments", settings, mnist, inception, speed);
    }

    /** A subcommand with its declared defaults and this command's common options. */
    private <T extends Experiment> T withDefaults(T command) {
        CommandLine.populateCommand(command);
        command.common(common);
        return command;
    }
}
