package org.bn4j.examples.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH benchmarks and writes a Markdown table of ratios, measured in one run: DL4J's layer against bn4j's,
 * bn4j against the memory-bandwidth floor, 2 threads against 1, and whole training steps.
 *
 * <p>Usage: {@code mvn -B -q -pl bn-examples exec:exec@bench} (everything, about 25 minutes on 2 cores), or with
 * {@code -Dbench.args="--quick"} (the main shape only, a few minutes). Writes {@code bn4j-output/benchmarks.md}.
 * With {@code --fold}, runs only {@link FoldBenchmark} (inference before and after folding BN, about 4 minutes) and
 * writes {@code bn4j-output/fold-benchmarks.md}.
 */
public final class BenchmarkMain {
    static final String MAIN_SHAPE = "NCHW:32,64,56,56";
    static final String[] SHAPES = {MAIN_SHAPE, "NHWC:32,56,56,64", "NCHW:128,256,14,14", "NC:256,1024", "NCW:32,128,100"};
    private static final String[] OPS = {"forwardTraining", "forwardBackward", "inference"};
    /** Bytes each pass must move, in copies of the tensor (a copy reads it once and writes it once). */
    private static final Map<String, Double> FLOOR_IN_COPIES = Map.of("forwardTraining", 1.0, "forwardBackward", 2.5, "inference", 1.0);

    private BenchmarkMain() {
    }

    public static void main(String[] args) throws RunnerException, IOException {
        if (List.of(args).contains("--fold")) {
            Map<String, Double> ms = new HashMap<>();
            run(options(true).include(FoldBenchmark.class.getSimpleName()).param("net", "inception", "resnet50")
                    .param("impl", "original", "folded").warmupIterations(3).warmupTime(TimeValue.seconds(2))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(3)), ms);
            write("fold-benchmarks.md", foldTable(ms));
            return;
        }
        boolean quick = List.of(args).contains("--quick");
        String[] shapes = quick ? new String[] {MAIN_SHAPE} : SHAPES;
        String[] builtInShapes = quick ? shapes : new String[] {SHAPES[0], SHAPES[1], SHAPES[2], SHAPES[3]};
        Map<String, Double> ms = new HashMap<>();
        run(options(quick).include(BatchNormBenchmark.class.getSimpleName()).param("shape", shapes).param("impl", "bn4j", "core"), ms);
        // DL4J's layer cannot take rank-3 input.
        run(options(quick).include(BatchNormBenchmark.class.getSimpleName()).param("shape", builtInShapes).param("impl", "builtin"), ms);
        run(options(quick).include(BatchNormBenchmark.class.getSimpleName() + ".forwardBackward")
                .param("shape", MAIN_SHAPE, "NCHW:128,256,14,14").param("impl", "core").param("threads", "1"), ms);
        run(options(quick).include(CopyBenchmark.class.getSimpleName()).param("shape", shapes), ms);
        if (!quick) {
            run(options(false).include(NetworkStepBenchmark.class.getSimpleName()).param("net", "inception", "resnet50")
                    .param("impl", "bn4j", "builtin").warmupIterations(2).measurementIterations(3).measurementTime(TimeValue.seconds(5)), ms);
        }
        write("benchmarks.md", table(shapes, ms, quick));
    }

    private static void write(String file, String table) throws IOException {
        Path out = Path.of("bn4j-output");
        Files.createDirectories(out);
        Files.writeString(out.resolve(file), table, StandardCharsets.UTF_8);
        System.out.println(table);
    }

    private static ChainedOptionsBuilder options(boolean quick) {
        return new OptionsBuilder().forks(1).warmupIterations(quick ? 2 : 3).warmupTime(TimeValue.seconds(1))
                .measurementIterations(quick ? 3 : 5).measurementTime(TimeValue.seconds(1)).shouldFailOnError(true);
    }

    private static void run(ChainedOptionsBuilder options, Map<String, Double> ms) throws RunnerException {
        Collection<RunResult> results = new Runner(options.build()).run();
        for (RunResult r : results) {
            String benchmark = r.getParams().getBenchmark();
            String op = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            StringBuilder key = new StringBuilder(op);
            for (String p : new String[] {"shape", "impl", "threads", "net"}) {
                String v = r.getParams().getParam(p);
                if (v != null) {
                    key.append('|').append(p).append('=').append(v);
                }
            }
            ms.put(key.toString(), r.getPrimaryResult().getScore());
        }
    }

    private static Double get(Map<String, Double> ms, String op, String shape, String impl, String threads) {
        return ms.get(op + "|shape=" + shape + "|impl=" + impl + "|threads=" + threads);
    }

    static String table(String[] shapes, Map<String, Double> ms, boolean quick) {
        StringBuilder t = new StringBuilder("## Benchmarks (JMH, float, milliseconds per call, one run)\n\n");
        t.append("Machine: ").append(machine()).append(quick ? ". Quick run: the main shape only.\n\n" : ".\n\n");
        t.append("| shape | pass | bn4j layer | DL4J layer | DL4J / bn4j | bn-core alone | bandwidth floor | bn4j / floor |\n");
        t.append("|---|---|---|---|---|---|---|---|\n");
        for (String shape : shapes) {
            Double copy = ms.get("copy|shape=" + shape);
            for (String op : OPS) {
                Double ours = get(ms, op, shape, "bn4j", "2");
                Double builtIn = get(ms, op, shape, "builtin", "2");
                Double core = get(ms, op, shape, "core", "2");
                Double floor = copy == null ? null : copy * FLOOR_IN_COPIES.get(op);
                t.append("| ").append(shape).append(" | ").append(op).append(" | ").append(f(ours)).append(" | ")
                        .append(builtIn == null ? "cannot" : f(builtIn)).append(" | ").append(ratio(builtIn, ours)).append(" | ")
                        .append(f(core)).append(" | ").append(f(floor)).append(" | ").append(ratio(ours, floor)).append(" |\n");
            }
        }
        t.append("\nThreads (bn-core, forward + backward): ");
        List<String> scaling = new ArrayList<>();
        for (String shape : new String[] {MAIN_SHAPE, "NCHW:128,256,14,14"}) {
            Double one = get(ms, "forwardBackward", shape, "core", "1");
            Double two = get(ms, "forwardBackward", shape, "core", "2");
            if (one != null && two != null) {
                scaling.add(String.format(Locale.ROOT, "%s: %.2f ms with 1 thread, %.2f ms with 2, %.2fx", shape, one, two, one / two));
            }
        }
        t.append(String.join("; ", scaling)).append(".\n");
        if (!quick) {
            t.append("\n| network training step | bn4j | DL4J | DL4J / bn4j |\n|---|---|---|---|\n");
            for (String net : new String[] {"inception", "resnet50"}) {
                Double ours = ms.get("step|impl=bn4j|net=" + net);
                Double builtIn = ms.get("step|impl=builtin|net=" + net);
                t.append("| ").append(net.equals("inception") ? "Inception-style (32x32, batch 32)" : "ResNet50 (224x224, batch 2)")
                        .append(" | ").append(f(ours)).append(" | ").append(f(builtIn)).append(" | ").append(ratio(builtIn, ours)).append(" |\n");
            }
        }
        return t.toString();
    }

    static String foldTable(Map<String, Double> ms) {
        StringBuilder t = new StringBuilder("## BN folding: inference (JMH, float, milliseconds per output() call, one run)\n\n");
        t.append("Machine: ").append(machine()).append(".\n\n");
        t.append("| network | original | BN folded | original / folded |\n|---|---|---|---|\n");
        for (String net : new String[] {"inception", "resnet50"}) {
            Double original = ms.get("output|impl=original|net=" + net);
            Double folded = ms.get("output|impl=folded|net=" + net);
            t.append("| ").append(net.equals("inception") ? "Inception-style, bn4j BN (32x32, batch 32)" : "ResNet50, DL4J's BN (224x224, batch 1)")
                    .append(" | ").append(f(original)).append(" | ").append(f(folded)).append(" | ").append(ratio(original, folded)).append(" |\n");
        }
        return t.toString();
    }

    private static String f(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String ratio(Double a, Double b) {
        return a == null || b == null ? "-" : String.format(Locale.ROOT, "%.1fx", a / b);
    }

    private static String machine() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
        } catch (IOException e) {
            // not Linux: leave it unknown
        }
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("java.vm.name")
                + " " + System.getProperty("java.version");
    }
}
