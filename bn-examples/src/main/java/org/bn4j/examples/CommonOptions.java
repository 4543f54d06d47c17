package org.bn4j.examples;

import java.nio.file.Path;
import org.bn4j.examples.nets.BatchNormImpl;
import picocli.CommandLine.Option;

/** Options every experiment takes. */
public final class CommonOptions {
    @Option(names = "--seed", defaultValue = "1502", description = "Seed for data, initialization and batch order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--output-dir", defaultValue = "bn4j-output", description = "Where reports, plots and CSV go (default: ${DEFAULT-VALUE}).")
    Path outputDir;

    @Option(names = "--data-dir", description = "Real data instead of the default: the four MNIST IDX files (mnist), "
            + "or CIFAR-10's binary version (inception, speed).")
    Path dataDir;

    @Option(names = "--bn", defaultValue = "BN4J", description = "BN layer: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    BatchNormImpl bn;

    @Option(names = "--no-progress", description = "Do not draw progress bars.")
    boolean noProgress;
}
