package org.bn4j.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bn4j.examples.report.MarkdownReport;
import org.bn4j.examples.report.Provenance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One of the paper's experiments as a subcommand: its settings, and a run that writes files and a report section. */
interface Experiment {
    Logger LOG = LoggerFactory.getLogger(Experiment.class);

    CommonOptions common();

    /** Makes this experiment use another command's common options. */
    void common(CommonOptions options);

    /** @return the options of this experiment, for the report's provenance */
    Map<String, Object> settings();

    /** Runs the experiment, writes its plots and CSV into {@code dir}, and returns its report section. */
    MarkdownReport run(Path dir) throws Exception;

    /** Runs one experiment on its own and writes {@code report.md}. */
    static int runAlone(Experiment experiment, CommonOptions common, String title) throws Exception {
        Map<String, Object> settings = new LinkedHashMap<>(commonSettings(common));
        settings.putAll(experiment.settings());
        return write(common.outputDir, "bn4j: " + title, settings, experiment);
    }

    static Map<String, Object> commonSettings(CommonOptions common) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seed", common.seed);
        m.put("BN implementation", common.bn);
        m.put("data", common.dataDir == null ? "shipped or generated (default)" : common.dataDir);
        return m;
    }

    /** Runs the experiments in order and writes one report with a section each. */
    static int write(Path dir, String title, Map<String, Object> settings, Experiment... experiments) throws Exception {
        Files.createDirectories(dir);
        MarkdownReport report = new MarkdownReport().heading(1, title)
                .paragraph(
                        "Batch Normalization (Ioffe & Szegedy 2015, arXiv 1502.03167) rerun at a scale that fits 2 CPU "
                                + "cores, with bn4j's BatchNorm layer for DL4J. The same seed gives the same numbers.")
                .heading(2, "Run").keyValues(Provenance.capture(settings));
        long start = System.nanoTime();
        for (Experiment e : experiments) {
            report.append(e.run(dir));
            report.write(dir.resolve("report.md"));
        }
        report.paragraph(
                String.format(java.util.Locale.ROOT, "Total time: %.0f s.", (System.nanoTime() - start) / 1e9));
        report.write(dir.resolve("report.md"));
        LOG.info("report written to {}", dir.resolve("report.md").toAbsolutePath());
        return 0;
    }
}
