package org.bn4j.examples;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * A subcommand that runs one experiment on its own: {@link #call()} writes its report. Its common options are the top
 * command's, which picocli fills wherever on the command line they stand.
 */
@Command(versionProvider = Bn4j.Version.class)
abstract class ExperimentCommand implements Callable<Integer>, Experiment {
    @ParentCommand
    private Bn4j top;

    @Spec
    CommandSpec spec;

    /** The top command's options when run as a subcommand, or those set by {@link #common(CommonOptions)}. */
    CommonOptions common;

    /** @return the report's title, for example "MNIST" */
    abstract String title();

    @Override
    public Integer call() throws Exception {
        common = top.common;
        return Experiment.runAlone(this, common, title());
    }

    @Override
    public CommonOptions common() {
        return common;
    }

    @Override
    public void common(CommonOptions options) {
        this.common = options;
    }

    /** @return whether the command line gave {@code option}, before or after this subcommand's name */
    boolean given(String option) {
        for (ParseResult r = spec.root().commandLine().getParseResult(); r != null; r = r.subcommand()) {
            if (r.hasMatchedOption(option)) {
                return true;
            }
        }
        return false;
    }

    /** Refuses an option that this run would ignore: exit status 2, the reason, and the usage. */
    void refuseIfGiven(String option, String reason) {
        if (given(option)) {
            throw new ParameterException(spec.commandLine(), option + " " + reason);
        }
    }
}
