package org.bn4j.examples.experiments;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.bn4j.examples.report.Csv;
import org.bn4j.examples.train.Curve;

/**
 * The finished runs of an experiment, one pair of files per run in a directory: {@code <id>.csv}, the test accuracy
 * per measured step, and {@code <id>.properties}, the run's settings and wall time, written last as the marker that
 * the run finished. A run whose marker exists with the same settings is not run again; a run interrupted before its
 * marker was written starts over.
 */
public final class RunStore {
    static final List<String> CURVE_HEADER = List.of("step", "test_accuracy");
    private static final String SETTING = "setting.";
    private static final String SECONDS = "result.training_seconds";

    /**
     * One run: a file-name-safe id and everything that determines its outcome (seed, steps, variant, data checksum).
     */
    public record Spec(String id, Map<String, String> settings) {
        public Spec {
            if (!id.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException(
                        "run ids are file names of letters, digits, '.', '_' and '-'; got " + id);
            }
            settings = Map.copyOf(settings);
        }
    }

    private final Path dir;

    /** @param dir where the runs' files go; created when the first run is saved */
    public RunStore(Path dir) {
        this.dir = dir;
    }

    /** @return the run's curve if it finished with the same settings, named {@code name} */
    public Optional<Curve> finished(Spec spec, String name) throws IOException {
        Path marker = marker(spec);
        if (!Files.isRegularFile(marker)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(marker, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        Map<String, String> stored = new LinkedHashMap<>();
        p.stringPropertyNames().stream().filter(k -> k.startsWith(SETTING))
                .forEach(k -> stored.put(k.substring(SETTING.length()), p.getProperty(k)));
        if (!stored.equals(spec.settings())) {
            return Optional.empty();
        }
        List<Curve.Point> points = new ArrayList<>();
        for (List<String> row : Csv.read(curve(spec), CURVE_HEADER)) {
            points.add(new Curve.Point(Integer.parseInt(row.get(0)), Double.parseDouble(row.get(1))));
        }
        return Optional.of(new Curve(name, points, Double.parseDouble(p.getProperty(SECONDS, "0"))));
    }

    /** Writes the run's curve, then its marker. */
    public void save(Spec spec, Curve curve) throws IOException {
        Files.createDirectories(dir);
        List<List<Object>> rows = new ArrayList<>();
        curve.points().forEach(pt -> rows.add(List.of(pt.step(), pt.accuracy())));
        Csv.write(curve(spec), CURVE_HEADER, rows);
        Properties p = new Properties();
        spec.settings().forEach((k, v) -> p.setProperty(SETTING + k, v));
        p.setProperty(SECONDS, String.valueOf(curve.seconds()));
        Path tmp = dir.resolve(spec.id() + ".properties.tmp");
        try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(out, "a finished run; delete this file to run it again");
        }
        Files.move(tmp, marker(spec), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * @return where a run keeps a table of its own next to its curve, for example {@code <id>-sigmoid-input.csv}; the
     *         directory exists
     */
    public Path extra(Spec spec, String suffix) throws IOException {
        Files.createDirectories(dir);
        return dir.resolve(spec.id() + "-" + suffix + ".csv");
    }

    /** @return the file with the run's test accuracy per step */
    public Path curve(Spec spec) {
        return dir.resolve(spec.id() + ".csv");
    }

    private Path marker(Spec spec) {
        return dir.resolve(spec.id() + ".properties");
    }
}
