package org.bn4j.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.bn4j.examples.report.Versions;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH benchmarks, times PyTorch's CPU BatchNorm on the same shapes when {@code python3} has torch, and writes
 * {@code benchmarks.md} (tables and each performance goal with its measured value) and {@code benchmarks.csv} (every
 * timing) with the run's provenance.
 *
 * <p>Usage: {@code mvn -B -q -DskipTests install && mvn -B -q -pl bn-bench exec:exec@bench} (about half an hour on 2
 * cores), with {@code -Dbench.args="..."} taking any of:
 * <ul>
 *   <li>{@code --quick}: the main shape and one small one, one fork, no whole-network steps;</li>
 *   <li>{@code --smoke}: as quick, plus the steps, each benchmark one short iteration: proves that everything runs,
 *       measures nothing;</li>
 *   <li>{@code --no-vector-api}: forks without {@code jdk.incubator.vector}, so bn-core runs in plain Java;</li>
 *   <li>{@code --default-heap}: forks with the JVM's default heap instead of a fixed, pre-touched one;</li>
 *   <li>{@code --out DIR}: write to DIR instead of {@code bn4j-output}; the files of a run with either option above
 *       are named after it ({@code benchmarks-no-vector-api-default-heap.md});</li>
 *   <li>{@code --forks N}: N forks per benchmark instead of 3 (the whole networks' at most 2, but N in turns);</li>
 *   <li>{@code --fold}: {@link FoldBenchmark} alone; {@code --activation}: {@link ActivationBenchmark},
 *       {@link ActivationTurnsBenchmark} (whose ratios decide the goals) and {@link InceptionTurnsBenchmark}, the
 *       Inception-style step with BN applying its ReLUs and with separate activation layers
 *       ({@code activation-benchmarks.md}; {@code --shapes "S1;S2"} runs fewer shapes).</li>
 * </ul>
 * Each timing is the median over JMH forks (separate JVMs), with the fastest and slowest fork beside it: this machine
 * is shared, so one JVM's number is not enough. Bytes allocated per call come from JMH's GC profiler.
 */
public final class BenchmarkMain {
    static final String[] LARGE = {"NCHW:32,64,56,56", "NCHW:64,128,28,28", "NHWC:32,56,56,64"};
    static final String[] SMALL = {"NC:60,100", "NC:256,1024", "NCHW:32,16,8,8", "NCW:32,128,50"};
    static final String[] PASSES = {"forwardTraining", "forwardBackward", "inference"};
    static final String[] NETS = {"inception", "resnet50"};

    /**
     * Each fork's Java heap, unless {@code --default-heap}: fixed and touched before the first iteration. Memory a
     * process touches for the first time is slow on these machines, and a JVM whose young generation grows during the
     * run pays for it on every call until the growth stops (docs/performance.md). PyTorch's allocator is kept from
     * returning memory for the same reason ({@link PyTorchPeer}). Whole networks get a larger heap.
     */
    static final String[] HEAP = {"-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch"};
    static final String[] NETWORK_HEAP = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"};
    static final int MLP_WARMUP_ITERATIONS = 10;
    /** The label of timings taken in forks with the JVM's defaults ({@link ForkJvm#DEFAULT}). */
    static final String DEFAULT_JVM = "jvm=default";
    /** The key of {@link InceptionTurnsBenchmark}'s timings. */
    static final String INCEPTION_TURNS = "turns|step|net=inception";

    private final ForkJvm jvm;
    private final boolean smoke;
    private final List<String> launching = ManagementFactory.getRuntimeMXBean().getInputArguments();

    private BenchmarkMain(ForkJvm jvm, boolean smoke) {
        this.jvm = jvm;
        this.smoke = smoke;
    }

    public static void main(String[] args) throws RunnerException, IOException, InterruptedException {
        // exec:exec@bench hands -Dbench.args="--out docs/performance" over as one argument: split it into words.
        List<String> arguments = Arrays.stream(args).flatMap(a -> Arrays.stream(a.trim().split("\\s+")))
                .filter(a -> !a.isEmpty()).toList();
        Path out = Path.of(arguments.contains("--out") ? arguments.get(arguments.indexOf("--out") + 1) : "bn4j-output");
        Files.createDirectories(out);
        ForkJvm jvm = new ForkJvm(!arguments.contains("--no-vector-api"), !arguments.contains("--default-heap"));
        boolean smoke = arguments.contains("--smoke");
        boolean quick = smoke || arguments.contains("--quick");
        int forks = quick ? 1 : arguments.contains("--forks")
                ? Integer.parseInt(arguments.get(arguments.indexOf("--forks") + 1)) : 3;
        BenchmarkMain main = new BenchmarkMain(jvm, smoke);
        if (arguments.contains("--fold")) {
            main.fold(out);
        } else if (arguments.contains("--activation")) {
            main.activation(out, quick, forks, arguments);
        } else {
            main.benchmarks(out, quick, forks);
        }
    }

    private void fold(Path out) throws RunnerException, IOException {
        Timings t = new Timings();
        run(options(3, NETWORK_HEAP).include(FoldBenchmark.class.getSimpleName()).param("net", NETS)
                .param("impl", "original", "folded").warmupIterations(3).warmupTime(TimeValue.seconds(2))
                .measurementIterations(5).measurementTime(TimeValue.seconds(3)), t);
        write(out.resolve("fold-benchmarks" + jvm.fileSuffix() + ".md"),
                new BenchmarkReport(t, List.of(), List.of(), null).foldTable());
    }

    /**
     * {@code --shapes "S1;S2"} runs fewer shapes than the full run. The forks run in rounds, shape by shape, one fork
     * of each variant per round: the variants of one shape, whose ratios are the goals, run minutes apart, not a whole
     * run apart, so that a shared machine's drift over the run falls on all of them.
     */
    private void activation(Path out, boolean quick, int forks, List<String> arguments)
            throws RunnerException, IOException {
        List<String> shapes = new ArrayList<>(quick ? List.of(LARGE[0]) : List.of(LARGE));
        shapes.addAll(quick ? List.of(SMALL[0]) : List.of(SMALL));
        if (arguments.contains("--shapes")) {
            shapes = List.of(arguments.get(arguments.indexOf("--shapes") + 1).split(";"));
        }
        Timings t = new Timings();
        for (int round = 0; round < forks; round++) {
            for (String shape : shapes) {
                run(options(1, HEAP).include(ActivationBenchmark.class.getSimpleName()).param("shape", shape)
                        .param("impl", ActivationBenchmark.IMPLS), t);
            }
        }
        run(options(forks, HEAP).include(ActivationTurnsBenchmark.class.getSimpleName())
                .param("shape", array(shapes)).param("pass", "forwardBackward", "inference"), t);
        // The step's ratio differs by a tenth from fork to fork even in turns: every fork counts.
        run(options(forks, NETWORK_HEAP).include(InceptionTurnsBenchmark.class.getSimpleName()).warmupIterations(2)
                .warmupTime(TimeValue.seconds(3)).measurementIterations(3).measurementTime(TimeValue.seconds(5)), t);
        String suffix = jvm.fileSuffix();
        Files.writeString(out.resolve("activation-benchmarks" + suffix + ".csv"), t.csv(), StandardCharsets.UTF_8);
        write(out.resolve("activation-benchmarks" + suffix + ".md"),
                new BenchmarkReport(t, shapes, List.of(), null).activationTable(provenance(quick, forks, forks)));
    }

    private void benchmarks(Path out, boolean quick, int forks)
            throws RunnerException, IOException, InterruptedException {
        List<String> large = quick ? List.of(LARGE[0]) : List.of(LARGE);
        List<String> small = quick ? List.of(SMALL[0]) : List.of(SMALL);
        List<String> all = new ArrayList<>(large);
        all.addAll(small);
        Timings t = new Timings();
        String torch = smoke ? "not measured (--smoke)"
                : PyTorchPeer.run(all, out.resolve("pytorch" + jvm.fileSuffix() + ".csv"), t);
        run(options(forks, HEAP).include(BatchNormBenchmark.class.getSimpleName()).param("shape", array(all))
                .param("impl", "bn4j", "direct").addProfiler(GCProfiler.class), t);
        // DL4J's layer cannot take rank-3 input, and its 300 ms calls need no second fork to be told apart.
        String[] builtIn = all.stream().filter(s -> !s.startsWith("NCW")).toArray(String[]::new);
        run(options(1, HEAP).include(BatchNormBenchmark.class.getSimpleName()).param("shape", builtIn)
                .param("impl", "builtin").addProfiler(GCProfiler.class), t);
        run(options(forks, HEAP).include(CopyBenchmark.class.getSimpleName()).param("shape", array(large)), t);
        // The step warms up slowly: in a probe (one ND4J thread), with BN it was still getting faster after ten
        // one-second iterations, without BN after about eight.
        run(options(forks, HEAP).include(MlpStepBenchmark.class.getSimpleName()).param("impl", "bn4j", "none")
                .warmupIterations(MLP_WARMUP_ITERATIONS), t);
        // Every shape in one JVM: always all of them, whatever this run times shape by shape.
        String everyShape = allShapes().stream().map(s -> s.replace(',', 'x')).collect(Collectors.joining(" "));
        run(options(Math.min(forks, 2), NETWORK_HEAP).include(NetworkShapesBenchmark.class.getSimpleName())
                .param("shapes", everyShape).param("pass", PASSES).warmupIterations(3)
                .warmupTime(TimeValue.seconds(2)).measurementIterations(4).measurementTime(TimeValue.seconds(3)), t);
        if (!quick || smoke) {
            String[] impls = smoke ? new String[] {"bn4j"} : new String[] {"bn4j", "builtin"};
            run(steps(options(Math.min(forks, 2), NETWORK_HEAP)).param("impl", impls), t);
            // Beside it, what a user's JVM runs: no Vector API, the JVM's default heap.
            run(steps(options(ForkJvm.DEFAULT, Math.min(forks, 2), NETWORK_HEAP)).param("impl", "bn4j"), t,
                    DEFAULT_JVM);
        }
        String suffix = jvm.fileSuffix();
        Files.writeString(out.resolve("benchmarks" + suffix + ".csv"), t.csv(), StandardCharsets.UTF_8);
        write(out.resolve("benchmarks" + suffix + ".md"),
                new BenchmarkReport(t, large, small, torch).markdown(provenance(quick, forks, Math.min(forks, 2))));
    }

    private static ChainedOptionsBuilder steps(ChainedOptionsBuilder options) {
        return options.include(NetworkStepBenchmark.class.getSimpleName()).param("net", NETS).warmupIterations(2)
                .measurementIterations(3).measurementTime(TimeValue.seconds(5));
    }

    static List<String> allShapes() {
        List<String> all = new ArrayList<>(List.of(LARGE));
        all.addAll(List.of(SMALL));
        return all;
    }

    private static String[] array(List<String> values) {
        return values.toArray(String[]::new);
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        System.out.println(text);
    }

    private ChainedOptionsBuilder options(int forks, String[] heap) {
        return options(jvm, forks, heap);
    }

    private ChainedOptionsBuilder options(ForkJvm forkJvm, int forks, String[] heap) {
        return new OptionsBuilder().forks(forks).warmupIterations(3).warmupTime(TimeValue.seconds(1))
                .measurementIterations(4).measurementTime(TimeValue.seconds(1))
                .jvmArgs(forkJvm.args(launching, heap).toArray(String[]::new)).shouldFailOnError(true);
    }

    private void run(ChainedOptionsBuilder options, Timings timings) throws RunnerException {
        run(options, timings, null);
    }

    /**
     * Adds every fork's score of every benchmark in the run, keyed by method and parameters (and {@code label}, when
     * given), its bytes allocated per call under {@code alloc|<key>} when the GC profiler ran, and for
     * {@link NetworkShapesBenchmark} each shape's BN time per call under {@code network|<pass>|shape=<shape>}.
     */
    private void run(ChainedOptionsBuilder options, Timings timings, String label) throws RunnerException {
        if (smoke) {
            options.forks(1).warmupIterations(1).warmupTime(TimeValue.milliseconds(200)).measurementIterations(1)
                    .measurementTime(TimeValue.milliseconds(200));
        }
        for (RunResult r : new Runner(options.build()).run()) {
            String benchmark = r.getParams().getBenchmark();
            StringBuilder key = new StringBuilder(benchmark.substring(benchmark.lastIndexOf('.') + 1));
            for (String p : new String[] {"shape", "impl", "net", "pass"}) {
                String v = r.getParams().getParam(p);
                if (v != null) {
                    key.append('|').append(p).append('=').append(v);
                }
            }
            if (label != null) {
                key.append('|').append(label);
            }
            for (BenchmarkResult fork : r.getBenchmarkResults()) {
                timings.add(key.toString(), fork.getPrimaryResult().getScore());
                Map<String, Result> secondary = fork.getSecondaryResults();
                secondary.forEach((name, result) -> {
                    if (name.endsWith("gc.alloc.rate.norm")) {
                        timings.add("alloc|" + key, result.getScore());
                    }
                });
                String shapes = r.getParams().getParam("shapes");
                if (shapes != null) {
                    addShapeTimes(timings, r.getParams().getParam("pass"), shapes, secondary);
                }
                if (benchmark.endsWith(ActivationTurnsBenchmark.class.getSimpleName() + ".turn")) {
                    addTurnTimes(timings, "turns|" + r.getParams().getParam("pass") + "|shape="
                            + r.getParams().getParam("shape"), ActivationTurnsBenchmark.ORDER, secondary);
                }
                if (benchmark.endsWith(InceptionTurnsBenchmark.class.getSimpleName() + ".turn")) {
                    addTurnTimes(timings, INCEPTION_TURNS, InceptionTurnsBenchmark.ORDER, secondary);
                }
            }
        }
    }

    /** Each shape's BN milliseconds per call from {@link NetworkShapesBenchmark.BnTimes}' counters of one fork. */
    static void addShapeTimes(Timings timings, String pass, String shapes, Map<String, Result> counters) {
        double operations = counters.get("operations").getScore();
        for (String shape : shapes.trim().split("\\s+")) {
            double nanos = counters.get(NetworkShapesBenchmark.BnTimes.counter(shape)).getScore();
            timings.add("network|" + pass + "|shape=" + BenchShape.parse(shape).name(), nanos / operations / 1e6);
        }
    }

    /**
     * Each variant's milliseconds per call from the counters of one fork of a benchmark in turns (a counter per
     * variant in {@code order}, and {@code turns}), under {@code <key>|impl=<variant>}, and the fork's second variant
     * over its first under {@code <key>|ratio=<second>/<first>}.
     */
    static void addTurnTimes(Timings timings, String key, String[] order, Map<String, Result> counters) {
        double turns = counters.get("turns").getScore();
        double first = counters.get(order[0]).getScore() / turns / 1e6;
        double second = counters.get(order[1]).getScore() / turns / 1e6;
        timings.add(key + "|impl=" + order[0], first);
        timings.add(key + "|impl=" + order[1], second);
        timings.add(key + "|ratio=" + order[1] + "/" + order[0], second / first);
    }

    /** @param networkForks the forks of each whole-network benchmark: 2 at most alone, as many as the rest in turns */
    private String provenance(boolean quick, int forks, int networkForks) {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
        } catch (IOException e) {
            // not Linux: leave it unknown
        }
        Versions versions = Versions.current();
        String run = smoke ? " --smoke" : quick ? " --quick" : forks != 3 ? " --forks " + forks : "";
        run += (jvm.vectorApi() ? "" : " --no-vector-api") + (jvm.fixedHeap() ? "" : " --default-heap");
        return "Generated by `org.bn4j.bench.BenchmarkMain" + run + "` on " + LocalDate.now() + ": bn4j "
                + versions.bn4j() + " at commit " + versions.commit() + ", DL4J " + versions.dl4j() + ". Machine: "
                + cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores; "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + "; forks: "
                + jvm.description(HEAP) + (jvm.vectorApi() ? "; " + vectorBits() + "-bit vectors" : "")
                + (jvm.fixedHeap() ? "; whole networks " + String.join(" ", NETWORK_HEAP) : "")
                + "; float; JMH, " + forks + " fork(s) per benchmark (whole networks " + networkForks
                + "), each with 3 warm-up (the MLP step "
                + MLP_WARMUP_ITERATIONS + ", on one ND4J thread) and 4 measured iterations of one second"
                + (smoke ? "; --smoke: one fork and one short iteration each, so no number here measures anything"
                        : "")
                + ".";
    }

    /**
     * @return the width of bn-core's vectors: {@code -Dbn4j.vectorBits} when set, else the Vector API's preferred
     * width in this JVM (read reflectively: this class compiles without the incubator module)
     */
    private static String vectorBits() {
        String chosen = System.getProperty("bn4j.vectorBits");
        if (chosen != null) {
            return chosen;
        }
        try {
            Class<?> species = Class.forName("jdk.incubator.vector.VectorSpecies");
            Object preferred = Class.forName("jdk.incubator.vector.FloatVector").getField("SPECIES_PREFERRED")
                    .get(null);
            return String.valueOf(species.getMethod("vectorBitSize").invoke(preferred));
        } catch (ReflectiveOperationException e) {
            return "unknown";
        }
    }

    /** Every fork's score by benchmark key: milliseconds per call, or bytes per call under {@code alloc|} keys. */
    static final class Timings {
        private final Map<String, List<Double>> scores = new HashMap<>();

        void add(String key, double value) {
            scores.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }

        /** @return the scores of {@code key}, sorted; empty when it was not measured */
        double[] of(String key) {
            return scores.getOrDefault(key, List.of()).stream().mapToDouble(Double::doubleValue).sorted().toArray();
        }

        /** @return the timings a run wrote with {@link #csv}; none when the file does not exist */
        static Timings read(Path csv) throws IOException {
            Timings timings = new Timings();
            if (Files.exists(csv)) {
                List<String> lines = Files.readAllLines(csv);
                for (String line : lines.subList(1, lines.size())) {
                    int comma = line.lastIndexOf(',');   // keys hold commas (shapes), values do not
                    timings.add(line.substring(1, comma - 1), Double.parseDouble(line.substring(comma + 1)));
                }
            }
            return timings;
        }

        String csv() {
            StringBuilder csv = new StringBuilder("benchmark,value\n");
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
