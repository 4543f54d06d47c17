package org.bn4j.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bn4j.core.BatchNormalizer;
import org.bn4j.examples.report.Versions;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH benchmarks, times PyTorch's CPU BatchNorm on the same shapes when {@code python3} has torch, and writes
 * {@code benchmarks.md} (tables and each performance goal with its measured ratio) and {@code benchmarks.csv} (every
 * timing) with the run's provenance.
 *
 * <p>Usage: {@code mvn -B -q -DskipTests install && mvn -B -q -pl bn-bench exec:exec@bench} (about 25 minutes on 2
 * cores), {@code -Dbench.args="--quick"} (the main shape and one small one, one fork, a few minutes),
 * {@code -Dbench.args="--out docs/performance"} to write elsewhere than {@code bn4j-output}, {@code --fold} for
 * {@link FoldBenchmark} alone, or {@code --activation} for {@link ActivationBenchmark} and the Inception-style step
 * with BN applying its ReLU against separate activation layers ({@code activation-benchmarks.md}; with
 * {@code --forks N} and {@code --shapes "S1;S2"} to run fewer). Each timing is
 * the median over JMH forks (separate JVMs), with the fastest and slowest fork beside it: this machine is shared,
 * so one JVM's number is not enough.
 */
public final class BenchmarkMain {
    static final String[] LARGE = {"NCHW:32,64,56,56", "NCHW:64,128,28,28", "NHWC:32,56,56,64"};
    static final String[] SMALL = {"NC:60,100", "NC:256,1024", "NCHW:32,16,8,8", "NCW:32,128,50"};
    static final String[] PASSES = {"forwardTraining", "forwardBackward", "inference"};

    private BenchmarkMain() {
    }

    public static void main(String[] args) throws RunnerException, IOException, InterruptedException {
        // exec:exec@bench hands -Dbench.args="--out docs/performance" over as one argument: split it into words.
        List<String> arguments = java.util.Arrays.stream(args).flatMap(a -> java.util.Arrays.stream(a.trim().split("\\s+")))
                .filter(a -> !a.isEmpty()).toList();
        Path out = Path.of(arguments.contains("--out") ? arguments.get(arguments.indexOf("--out") + 1) : "bn4j-output");
        Files.createDirectories(out);
        if (arguments.contains("--fold")) {
            Timings t = new Timings();
            run(options(3).include(FoldBenchmark.class.getSimpleName()).param("net", "inception", "resnet50")
                    .param("impl", "original", "folded").jvmArgsAppend(NETWORK_HEAP).warmupIterations(3).warmupTime(TimeValue.seconds(2))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(3)), t);
            write(out.resolve("fold-benchmarks.md"), new BenchmarkReport(t, List.of(), List.of(), null).foldTable());
            return;
        }
        if (arguments.contains("--activation")) {
            requireVectorApi();
            boolean quick = arguments.contains("--quick");
            List<String> shapes = new ArrayList<>(quick ? List.of(LARGE[0]) : List.of(LARGE));
            shapes.addAll(quick ? List.of(SMALL[0]) : List.of(SMALL));
            if (arguments.contains("--shapes")) {
                shapes = List.of(arguments.get(arguments.indexOf("--shapes") + 1).split(";"));
            }
            int forks = quick ? 1 : forks(arguments, 3);
            Timings t = new Timings();
            run(options(forks).include(ActivationBenchmark.class.getSimpleName()).param("shape", array(shapes))
                    .param("impl", ActivationBenchmark.IMPLS), t);
            run(options(quick ? 1 : 2).include(NetworkStepBenchmark.class.getSimpleName()).param("net", "inception")
                    .param("impl", "bn4j", "bn4j-fused").jvmArgsAppend(NETWORK_HEAP).warmupIterations(2)
                    .measurementIterations(3).measurementTime(TimeValue.seconds(5)), t);
            Files.writeString(out.resolve("activation-benchmarks.csv"), t.csv(), StandardCharsets.UTF_8);
            write(out.resolve("activation-benchmarks.md"),
                    new BenchmarkReport(t, shapes, List.of(), null).activationTable(provenance(quick, forks)));
            return;
        }
        requireVectorApi();
        boolean quick = arguments.contains("--quick");
        List<String> large = quick ? List.of(LARGE[0]) : List.of(LARGE);
        List<String> small = quick ? List.of(SMALL[0]) : List.of(SMALL);
        List<String> all = new ArrayList<>(large);
        all.addAll(small);
        int forks = quick ? 1 : 3;
        Timings t = new Timings();
        String torch = PyTorchPeer.run(all, out.resolve("pytorch.csv"), t);
        run(options(forks).include(BatchNormBenchmark.class.getSimpleName()).param("shape", array(all))
                .param("impl", "bn4j", "direct"), t);
        // DL4J's layer cannot take rank-3 input, and its 300 ms calls need no second fork to be told apart.
        String[] builtIn = all.stream().filter(s -> !s.startsWith("NCW")).toArray(String[]::new);
        run(options(1).include(BatchNormBenchmark.class.getSimpleName()).param("shape", builtIn).param("impl", "builtin"), t);
        run(options(forks).include(CopyBenchmark.class.getSimpleName()).param("shape", array(large)), t);
        // The step warms up slowly: in a probe (one ND4J thread), with BN it was still getting faster after ten one-second
        // iterations, without BN after about eight.
        run(options(forks).include(MlpStepBenchmark.class.getSimpleName()).param("impl", "bn4j", "none")
                .warmupIterations(MLP_WARMUP_ITERATIONS), t);
        if (!quick) {
            run(options(2).include(NetworkStepBenchmark.class.getSimpleName()).param("net", "inception", "resnet50")
                    .param("impl", "bn4j", "builtin").jvmArgsAppend(NETWORK_HEAP).warmupIterations(2).measurementIterations(3)
                    .measurementTime(TimeValue.seconds(5)), t);
        }
        Files.writeString(out.resolve("benchmarks.csv"), t.csv(), StandardCharsets.UTF_8);
        write(out.resolve("benchmarks.md"), new BenchmarkReport(t, large, small, torch).markdown(provenance(quick, forks)));
    }

    private static void requireVectorApi() {
        if (!BatchNormalizer.usesVectorApi()) {
            // JMH's forks inherit this JVM's options: without the module they would time bn-core's scalar loops.
            throw new IllegalStateException("bn-core's Vector API loops are off in this JVM: start it with --add-modules "
                    + "jdk.incubator.vector (as exec:exec@bench does), or the forks measure the scalar loops");
        }
    }

    private static String[] array(List<String> values) {
        return values.toArray(String[]::new);
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        System.out.println(text);
    }

    /**
     * Each fork's Java heap: fixed and touched before the first iteration. Memory a process touches for the first time
     * costs about 25 microseconds a page on these machines; a JVM whose young generation grows during the run pays that
     * on every call in between (bn-core alone, NC 60x100 inference: 4 to 100 microseconds of CPU per call with the
     * default heap, a steady 4 with this one). PyTorch's allocator is kept from returning memory for the same reason
     * ({@link PyTorchPeer}). The network steps get a larger heap.
     */
    static final String[] HEAP = {"-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch"};
    static final String[] NETWORK_HEAP = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"};
    static final int MLP_WARMUP_ITERATIONS = 10;

    /** @return the number after {@code --forks}, else {@code otherwise} */
    private static int forks(List<String> arguments, int otherwise) {
        int at = arguments.indexOf("--forks");
        return at < 0 ? otherwise : Integer.parseInt(arguments.get(at + 1));
    }

    private static ChainedOptionsBuilder options(int forks) {
        return new OptionsBuilder().forks(forks).warmupIterations(3).warmupTime(TimeValue.seconds(1))
                .measurementIterations(4).measurementTime(TimeValue.seconds(1)).jvmArgsAppend(HEAP).shouldFailOnError(true);
    }

    /** Adds every fork's score of every benchmark in the run, keyed by method and parameters. */
    private static void run(ChainedOptionsBuilder options, Timings timings) throws RunnerException {
        for (RunResult r : new Runner(options.build()).run()) {
            String benchmark = r.getParams().getBenchmark();
            StringBuilder key = new StringBuilder(benchmark.substring(benchmark.lastIndexOf('.') + 1));
            for (String p : new String[] {"shape", "impl", "net"}) {
                String v = r.getParams().getParam(p);
                if (v != null) {
                    key.append('|').append(p).append('=').append(v);
                }
            }
            for (BenchmarkResult fork : r.getBenchmarkResults()) {
                timings.add(key.toString(), fork.getPrimaryResult().getScore());
            }
        }
    }

    private static String provenance(boolean quick, int forks) {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
        } catch (IOException e) {
            // not Linux: leave it unknown
        }
        Versions versions = Versions.current();
        return "Generated by `org.bn4j.bench.BenchmarkMain" + (quick ? " --quick" : "") + "` on " + LocalDate.now()
                + ": bn4j " + versions.bn4j() + " at commit " + versions.commit() + ", DL4J " + versions.dl4j()
                + ". Machine: " + cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores; "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + "; Vector API "
                + (versions.vectorApi() ? "on, " + vectorBits() + "-bit vectors" : "off") + "; float; JMH, " + forks
                + " fork(s) per benchmark, each with 3 warm-up (the MLP step " + MLP_WARMUP_ITERATIONS + ", on one ND4J thread) and 4 "
                + "measured iterations of one second, and a fixed Java heap "
                + "touched before the first (" + String.join(" ", HEAP) + ").";
    }

    /**
     * @return the width of bn-core's vectors in this JVM: {@code -Dbn4j.vectorBits} when set, else the Vector API's
     * preferred width (read reflectively: this class compiles without the incubator module)
     */
    private static String vectorBits() {
        String chosen = System.getProperty("bn4j.vectorBits");
        if (chosen != null) {
            return chosen;
        }
        try {
            Class<?> species = Class.forName("jdk.incubator.vector.VectorSpecies");
            Object preferred = Class.forName("jdk.incubator.vector.FloatVector").getField("SPECIES_PREFERRED").get(null);
            return String.valueOf(species.getMethod("vectorBitSize").invoke(preferred));
        } catch (ReflectiveOperationException e) {
            return "unknown";
        }
    }

    /** Every fork's score, milliseconds per call, by benchmark key. */
    static final class Timings {
        private final Map<String, List<Double>> scores = new HashMap<>();

        void add(String key, double ms) {
            scores.computeIfAbsent(key, k -> new ArrayList<>()).add(ms);
        }

        /** @return the scores of {@code key}, sorted; empty when it was not measured */
        double[] of(String key) {
            return scores.getOrDefault(key, List.of()).stream().mapToDouble(Double::doubleValue).sorted().toArray();
        }

        String csv() {
            StringBuilder csv = new StringBuilder("benchmark,ms_per_call\n");
            scores.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> e.getValue()
                    .forEach(v -> csv.append('"').append(e.getKey()).append("\",").append(v).append('\n')));
            return csv.toString();
        }

        static double median(double[] sorted) {
            int n = sorted.length;
            return n == 0 ? Double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }
    }
}
