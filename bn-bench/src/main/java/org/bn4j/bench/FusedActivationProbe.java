package org.bn4j.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.bn4j.core.Activation;
import org.bn4j.core.BatchNormConfig;
import org.bn4j.core.BatchNormalizer;
import org.bn4j.core.BatchStats;
import org.bn4j.core.Parallelism;
import org.bn4j.core.RunningStats;
import org.bn4j.core.Shape;
import org.bn4j.core.Values;
import org.bn4j.bench.BenchmarkMain.Timings;

/**
 * What a fused ReLU costs in bn-core alone, measured where a shared machine's drift cannot take sides: in one JVM,
 * plain BN and BN with the fused ReLU are called in turns, call by call, on the same off-heap floats (x and dy as
 * {@link BatchNormBenchmark}'s, gamma 1, beta 0), each pass timed with {@code System.nanoTime}. Per round, each pass's
 * fused time over its plain time, summed over the round's calls; the first third of the rounds is warm-up. Not JMH: a
 * probe for developing, steadier on a shared machine than forks minutes apart; JMH's {@code --activation} run stays
 * the record of the goals.
 *
 * <p>Prints CSV to standard output: {@code label,shape,pass,plain_us,fused_over_plain,q1,q3}, the median and quartiles
 * of the rounds' ratios and the plain pass's median microseconds per call. Arguments: {@code --shapes "S1;S2"} (the
 * activation benchmark's shapes), {@code --threads N} (1), {@code --rounds N} (9, at least 3), {@code --label TEXT}
 * (the first column; empty).
 */
public final class FusedActivationProbe {
    /** Values per round and pass: enough calls that a round of a small shape outlasts the timer's resolution. */
    private static final long VALUES_PER_ROUND = 15_000_000L;
    private static final String[] PASSES = {"forward_training", "backward", "inference"};

    private FusedActivationProbe() {
    }

    public static void main(String[] args) {
        List<String> arguments = List.of(args);
        List<String> shapes = new ArrayList<>(List.of(BenchmarkMain.LARGE));
        shapes.addAll(List.of(BenchmarkMain.SMALL));
        if (arguments.contains("--shapes")) {
            shapes = List.of(value(arguments, "--shapes").split(";"));
        }
        int threads = arguments.contains("--threads") ? Integer.parseInt(value(arguments, "--threads")) : 1;
        int rounds = arguments.contains("--rounds") ? Integer.parseInt(value(arguments, "--rounds")) : 9;
        String label = arguments.contains("--label") ? value(arguments, "--label") : "";
        System.out.println("label,shape,pass,plain_us,fused_over_plain,q1,q3");
        for (String shape : shapes) {
            for (String row : rows(label, BenchShape.parse(shape), threads, rounds, VALUES_PER_ROUND)) {
                System.out.println(row);
            }
        }
    }

    private static String value(List<String> arguments, String option) {
        return arguments.get(arguments.indexOf(option) + 1);
    }

    /** @return one CSV row per pass: the plain pass's median time and the fused over plain ratios of the rounds */
    static List<String> rows(String label, BenchShape benchShape, int threads, int rounds, long valuesPerRound) {
        if (rounds < 3) {
            throw new IllegalArgumentException("at least 3 rounds, the first third being warm-up: " + rounds);
        }
        Shape shape = benchShape.shape();
        Parallelism parallelism = threads == 1 ? Parallelism.serial() : Parallelism.threads(threads);
        BatchNormalizer[] bn = {
                new BatchNormalizer(BatchNormConfig.builder().activation(Activation.IDENTITY).build(), parallelism),
                new BatchNormalizer(BatchNormConfig.builder().activation(Activation.RELU).build(), parallelism)};
        Values x = BatchNormBenchmark.direct(BatchNormBenchmark.random(shape.size(), 1));
        Values dy = BatchNormBenchmark.direct(BatchNormBenchmark.random(shape.size(), 2));
        Values out = BatchNormBenchmark.direct(new float[shape.size()]);
        double[] gamma = new double[shape.channels()];
        Arrays.fill(gamma, 1.0);
        double[] beta = new double[shape.channels()];
        RunningStats running = RunningStats.initial(shape.channels());
        int calls = (int) Math.max(10, valuesPerRound / shape.size());
        double[][] ratio = new double[PASSES.length][rounds];
        double[][] plainMicros = new double[PASSES.length][rounds];
        for (int r = 0; r < rounds; r++) {
            long[][] nanos = new long[2][PASSES.length];
            for (int i = 0; i < calls; i++) {
                for (int turn = 0; turn < 2; turn++) {
                    int v = (turn + i) % 2;   // which goes first alternates too
                    long t0 = System.nanoTime();
                    BatchStats stats = bn[v].forwardTraining(x, shape, gamma, beta, null, out);
                    long t1 = System.nanoTime();
                    bn[v].backward(x, dy, shape, gamma, beta, stats, out);
                    long t2 = System.nanoTime();
                    bn[v].forwardInference(x, shape, gamma, beta, running, out);
                    long t3 = System.nanoTime();
                    nanos[v][0] += t1 - t0;
                    nanos[v][1] += t2 - t1;
                    nanos[v][2] += t3 - t2;
                }
            }
            for (int p = 0; p < PASSES.length; p++) {
                ratio[p][r] = (double) nanos[1][p] / nanos[0][p];
                plainMicros[p][r] = nanos[0][p] / 1e3 / calls;
            }
        }
        List<String> rows = new ArrayList<>();
        for (int p = 0; p < PASSES.length; p++) {
            double[] ratios = measured(ratio[p]);
            rows.add(String.format(Locale.ROOT, "%s,%s,%s,%.1f,%.3f,%.3f,%.3f", label,
                    benchShape.name().replace(',', ' '), PASSES[p], Timings.median(measured(plainMicros[p])),
                    Timings.median(ratios), ratios[ratios.length / 4], ratios[3 * ratios.length / 4]));
        }
        return rows;
    }

    /** @return the rounds after the first third, sorted */
    private static double[] measured(double[] byRound) {
        double[] kept = Arrays.copyOfRange(byRound, byRound.length / 3, byRound.length);
        Arrays.sort(kept);
        return kept;
    }
}
