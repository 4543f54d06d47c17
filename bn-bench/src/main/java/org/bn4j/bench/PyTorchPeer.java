package org.bn4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * PyTorch's CPU BatchNorm on the benchmark shapes, timed by {@code src/main/python/torch_batchnorm.py} with the system
 * {@code python3} (Debian's {@code python3-torch}), as the peer of bn4j's numbers. glibc's thresholds are raised so
 * that PyTorch's allocator keeps its large blocks instead of paying page faults on every call, as a long-running
 * PyTorch process would.
 */
final class PyTorchPeer {
    private static final Path SCRIPT = Path.of("bn-bench/src/main/python/torch_batchnorm.py");
    private static final List<String> PYTHONS = List.of("/usr/bin/python3", "python3");

    private PyTorchPeer() {
    }

    /**
     * Times every shape and adds the median, fastest and slowest round of each pass to {@code timings} under
     * {@code <pass>|shape=<shape>|impl=pytorch}.
     *
     * @return what ran ("PyTorch 1.13.0, 2 threads"), or why nothing did
     */
    static String run(List<String> shapes, Path csv, BenchmarkMain.Timings timings)
            throws IOException, InterruptedException {
        String python = PYTHONS.stream().filter(PyTorchPeer::hasTorch).findFirst().orElse(null);
        if (python == null) {
            return "not measured: no python3 with torch (apt-get install python3-torch)";
        }
        if (!Files.exists(SCRIPT)) {
            return "not measured: " + SCRIPT + " not found (run from the project's top directory)";
        }
        List<String> command = new ArrayList<>(List.of(python, SCRIPT.toString(), csv.toString()));
        command.addAll(shapes);
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().put("MALLOC_MMAP_THRESHOLD_", "4000000000");
        builder.environment().put("MALLOC_TRIM_THRESHOLD_", "8000000000");
        if (builder.start().waitFor() != 0) {
            return "not measured: " + SCRIPT + " failed";
        }
        List<String> rows = Files.readAllLines(csv);
        String version = "PyTorch";
        for (String row : rows.subList(1, rows.size())) {
            // shape (quoted, holds commas), pass, median, min, max, torch version, threads
            int close = row.indexOf('"', 1);
            String shape = row.startsWith("\"") ? row.substring(1, close) : row.substring(0, row.indexOf(','));
            String[] rest = row.substring(row.startsWith("\"") ? close + 2 : shape.length() + 1).split(",");
            String key = rest[0] + "|shape=" + shape + "|impl=pytorch";
            for (int i = 1; i <= 3; i++) {
                timings.add(key, Double.parseDouble(rest[i]));
            }
            version = "PyTorch " + rest[4] + ", " + rest[5] + " threads";
        }
        return version;
    }

    private static boolean hasTorch(String python) {
        try {
            Process p = new ProcessBuilder(python, "-c", "import torch").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
