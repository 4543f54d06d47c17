package org.bn4j.examples;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/** A subcommand that runs one experiment on its own: the common options, and {@link #call()} writing its report. */
abstract class ExperimentCommand implements Callable<Integer>, Experiment {
    @Mixin
    CommonOptions common = new CommonOptions();

    /** @return the report's title, for example "MNIST" */
    abstract String title();

    @Override
    public Integer call() throws Exception {
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
