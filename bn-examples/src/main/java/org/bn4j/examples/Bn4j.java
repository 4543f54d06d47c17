package org.bn4j.examples;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bn4j.examples.report.Versions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The command line of bn-examples. Without a subcommand it runs all three experiments at their default sizes,
 * which fit in a few minutes on 2 cores, and writes one report. Exit status: 0 done, 1 the run failed (reading data or
 * writing the report: one line says why), 2 a bad command line (one line names the option, then the usage).
 */
@Command(name = "bn4j", mixinStandardHelpOptions = true, versionProvider = Bn4j.Version.class, description = "Reruns the experiments of the Batch Normalization paper with bn4j's BatchNorm layer and writes a "
        + "Markdown report with PNG plots and CSV. Without a command: mnist, inception and speed, in that order.", footer = {
                "", "The options above work before or after the command's name, with the same effect: "
                        + "bn4j --seed 7 mnist is bn4j mnist --seed 7. Given on both sides, the one after the name wins.",
                "",
                "Exit status: 0 done, 1 the run failed (reading data or writing the report), 2 a bad command line."}, subcommands = {
                        MnistCommand.class, InceptionCommand.class, SpeedCommand.class, FullCommand.class})
public final class Bn4j implements Callable<Integer> {
    /** The one set of common options: every subcommand inherits them and reads them here. */
    @Mixin
    CommonOptions common = new CommonOptions();

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * @return the command line as {@link #main} runs it: a run that fails to read data or write its report ends with
     *         one line saying why and status 1, not a stack trace; other failures are bugs and keep their stack trace
     */
    public static CommandLine commandLine() {
        return new CommandLine(new Bn4j()).setExecutionExceptionHandler((e, cli, parseResult) -> {
            if (!(e instanceof IOException)) {
                throw e;
            }
            cli.getErr().println(cli.getColorScheme().errorText("bn4j: " + e.getMessage()));
            return 1;
        });
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
        return Experiment.write(common.outputDir, "bn4j: the Batch Normalization paper's experiments", settings, mnist,
                inception, speed);
    }

    /** A subcommand with its declared defaults and this command's common options. */
    private <T extends Experiment> T withDefaults(T command) {
        CommandLine.populateCommand(command);
        command.common(common);
        return command;
    }

    /** What {@code --version} prints: the versions that every report records too. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            Versions v = Versions.current();
            return new String[] {"bn4j " + v.bn4j() + ", commit " + v.commit(),
                    "DL4J " + v.dl4j() + ", ND4J " + v.nd4j() + " (nd4j-native)",
                    "Java " + System.getProperty("java.version") + ", Vector API " + v.vectorApiState()};
        }
    }
}
