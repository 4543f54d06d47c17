package org.bn4j.examples;

import java.util.concurrent.Callable;
import picocli.CommandLine.ParentCommand;

/**
 * A subcommand that runs one experiment on its own: {@link #call()} writes its report. Its common options are the top
 * command's, which picocli fills wherever on the command line they stand.
 */
abstract class ExperimentCommand implements Callable<Integer>, Experiment {
    @ParentCommand
    private Bn4j top;

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
}
