package org.bn4j.examples;

import java.nio.file.Path;
import org.bn4j.examples.nets.BatchNormImpl;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Options every experiment takes. The top command holds the one instance; each option is inherited by every
 * subcommand, so it may stand before or after the subcommand's name with the same effect. Given on both sides, the
 * one after the subcommand's name wins, as it is parsed last; given twice on one side, picocli refuses it.
 */
public final class CommonOptions {
    @Option(names = "--seed", defaultValue = "1502", scope = ScopeType.INHERIT, description = "Seed for data, initialization and batch order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--output-dir", defaultValue = "bn4j-output", scope = ScopeType.INHERIT, description = "Where reports, plots and CSV go (default: ${DEFAULT-VALUE}).")
    Path outputDir;

    @Option(names = "--data-dir", converter = Checked.ExistingDirectory.class, scope = ScopeType.INHERIT, description = "Real data instead of the default: the four "
            + "MNIST IDX files (mnist), or CIFAR-10's binary version (inception, speed).")
    Path dataDir;

    @Option(names = "--bn", defaultValue = "BN4J", scope = ScopeType.INHERIT, description = "BN layer of mnist and inception: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}); "
            + "speed always times both.")
    BatchNormImpl bn;

    // An explicit default: without it, an inherited flag given on both sides toggles back to false.
    @Option(names = "--no-progress", defaultValue = "false", scope = ScopeType.INHERIT, description = "Do not draw progress bars.")
    boolean noProgress;
}
