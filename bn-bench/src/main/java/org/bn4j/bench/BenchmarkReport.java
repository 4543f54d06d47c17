package org.bn4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bn4j.bench.BenchmarkMain.Timings;

/**
 * The Markdown of one benchmark run: timings as median over forks with the fastest and slowest fork, and each
 * performance goal with its measured ratio. A ratio's range pairs the extremes (fastest of one against slowest of the
 * other), so it bounds what the forks allow.
 */
final class BenchmarkReport {
    /** Goal: bytes allocated on the Java heap per call, in steady state, at most this. */
    static final double MAX_BYTES_PER_CALL = 64;
    /** Goal: a shape's time among every other shape in one JVM, over its time in a fresh fork, at most this. */
    static final double MAX_ONE_JVM_OVER_FRESH_FORK = 1.2;

    private final Timings t;
    private final List<String> large;
    private final List<String> small;
    private final String torch;

    BenchmarkReport(Timings timings, List<String> large, List<String> small, String torch) {
        this.t = timings;
        this.large = large;
        this.small = small;
        this.torch = torch;
    }

    String markdown(String provenance) {
        StringBuilder md = new StringBuilder("# Benchmarks\n\n");
        md.append(provenance).append(" Peer: ").append(torch).append(".\n\n");
        md.append(
                "Milliseconds per call: median over forks, [fastest, slowest]. bn4j's layer is called as DL4J's training "
                        + "loop calls it, inside a reused workspace; \"bn-core, off-heap\" is bn-core alone on the same kind of "
                        + "memory (`DirectFloats`), so the difference is the layer's DL4J glue.\n\n");
        md.append(
                "| shape | pass | bn4j layer | bn-core, off-heap | PyTorch | DL4J built-in | bn4j / PyTorch | DL4J / bn4j |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        for (List<String> shapes : List.of(large, small)) {
            for (String shape : shapes) {
                for (String pass : BenchmarkMain.PASSES) {
                    double[] ours = call(pass, shape, "bn4j");
                    double[] builtIn = call(pass, shape, "builtin");
                    double[] peer = call(pass, shape, "pytorch");
                    md.append("| ").append(shape).append(" | ").append(pass).append(" | ").append(ms(ours))
                            .append(" | ")
                            .append(ms(call(pass, shape, "direct"))).append(" | ").append(ms(peer)).append(" | ")
                            .append(shape.startsWith("NCW") && builtIn.length == 0 ? "cannot" : ms(builtIn))
                            .append(" | ").append(ratio(ours, peer)).append(" | ").append(ratio(builtIn, ours))
                            .append(" |\n");
                }
            }
        }
        md.append("\n## Goals\n\n| goal | shape | measured | target | met |\n|---|---|---|---|---|\n");
        for (Goal goal : goals()) {
            goal(md, goal.what(), goal.shape(), goal.a(), goal.b(), goal.target());
        }
        md.append(
                "\n\"copy probe\": `System.arraycopy` of a float array of the tensor's size on one thread, the least a "
                        + "forward pass must move (one read, one write), measured in the same run.\n\n");
        md.append("\"default JVM\": the step in forks started as a user's JVM is, without the Vector API and with the "
                + "JVM's default heap, beside the same step in this run's forks.\n\n");
        md.append("| training step | with bn4j's BN | without BN | with DL4J's BN | with bn4j's BN, default JVM "
                + "| default JVM / this run's |\n|---|---|---|---|---|---|\n");
        md.append("| MNIST MLP, 784-100x3-10, batch 60 | ").append(ms(t.of("step|impl=bn4j"))).append(" | ")
                .append(ms(t.of("step|impl=none"))).append(" | - | - | - |\n");
        for (String net : BenchmarkMain.NETS) {
            double[] ours = t.of("step|impl=bn4j|net=" + net);
            double[] defaultJvm = t.of("step|impl=bn4j|net=" + net + "|" + BenchmarkMain.DEFAULT_JVM);
            md.append("| ")
                    .append(net.equals("inception") ? "Inception-style, 32x32, batch 32" : "ResNet50, 224x224, batch 2")
                    .append(" | ").append(ms(ours)).append(" | - | ")
                    .append(ms(t.of("step|impl=builtin|net=" + net))).append(" | ").append(ms(defaultJvm))
                    .append(" | ").append(ratio(defaultJvm, ours)).append(" |\n");
        }
        allocation(md);
        oneJvm(md);
        return md.toString();
    }

    /** A performance goal: {@code a / b}, the ratio of their medians over forks, at most {@code target}. */
    record Goal(String what, String shape, double[] a, double[] b, double target) {
        /** @return the ratio of the medians, "-" when either was not measured */
        String measured() {
            return a.length == 0 || b.length == 0 ? "-"
                    : String.format(Locale.ROOT, "%.2f", Timings.median(a) / Timings.median(b));
        }

        /** @return "yes", "no" or "not measured" */
        String met() {
            return BenchmarkReport.met(a, b, target);
        }
    }

    /** @return the run's goals, in the order of its Goals table; those it did not measure have no timings */
    List<Goal> goals() {
        List<Goal> goals = new ArrayList<>();
        for (String shape : large) {
            goals.add(new Goal("forward + backward, bn4j / PyTorch", shape, call("forwardBackward", shape, "bn4j"),
                    call("forwardBackward", shape, "pytorch"), 1.0));
            goals.add(new Goal("inference, bn4j / PyTorch", shape, call("inference", shape, "bn4j"),
                    call("inference", shape, "pytorch"), 1.5));
            goals.add(new Goal("forward (training), bn4j / copy probe", shape, call("forwardTraining", shape, "bn4j"),
                    t.of("copy|shape=" + shape), 1.5));
        }
        for (String shape : small) {
            goals.add(new Goal("forward + backward, bn4j / PyTorch", shape, call("forwardBackward", shape, "bn4j"),
                    call("forwardBackward", shape, "pytorch"), 2.0));
            goals.add(new Goal("inference, bn4j / PyTorch", shape, call("inference", shape, "bn4j"),
                    call("inference", shape, "pytorch"), 2.0));
        }
        goals.add(new Goal("MNIST MLP step (batch 60), with bn4j's BN / without BN", "784-100x3-10",
                t.of("step|impl=bn4j"), t.of("step|impl=none"), 1.15));
        for (String net : BenchmarkMain.NETS) {
            goals.add(new Goal("training step, bn4j / DL4J's layer", net.equals("inception")
                    ? "Inception-style, 32x32, batch 32" : "ResNet50, 224x224, batch 2",
                    t.of("step|impl=bn4j|net=" + net), t.of("step|impl=builtin|net=" + net), 1.0));
        }
        return goals;
    }

    /**
     * @return of every shape and pass whose allocation by {@code impl} ("bn4j": the layer, "direct": bn-core) was
     * measured, how many are within {@link #MAX_BYTES_PER_CALL}: "k of n", or "-" when none was measured
     */
    String allocationGoalsMet(String impl) {
        int measured = 0, met = 0;
        for (String shape : BenchmarkMain.allShapes()) {
            for (String pass : BenchmarkMain.PASSES) {
                double[] bytes = bytes(pass, shape, impl);
                measured += bytes.length == 0 ? 0 : 1;
                met += bytes.length > 0 && Timings.median(bytes) <= MAX_BYTES_PER_CALL ? 1 : 0;
            }
        }
        return measured == 0 ? "-" : met + " of " + measured;
    }

    /** @return as {@link #allocationGoalsMet}, for each shape and pass in one JVM against its fresh fork */
    String oneJvmGoalsMet() {
        int measured = 0, met = 0;
        for (String shape : BenchmarkMain.allShapes()) {
            for (String pass : BenchmarkMain.PASSES) {
                String judged = met(t.of("network|" + pass + "|shape=" + shape), call(pass, shape, "bn4j"),
                        MAX_ONE_JVM_OVER_FRESH_FORK);
                measured += judged.equals("not measured") ? 0 : 1;
                met += judged.equals("yes") ? 1 : 0;
            }
        }
        return measured == 0 ? "-" : met + " of " + measured;
    }

    /** Bytes allocated on the Java heap per call, for every shape and pass, and the goal for each. */
    private void allocation(StringBuilder md) {
        String target = "at most " + (int) MAX_BYTES_PER_CALL;
        md.append("\n## Heap allocation per call\n\nBytes allocated on the Java heap per call in steady state "
                + "(JMH's GC profiler, `gc.alloc.rate.norm`): median over forks, [fewest, most]. Goal: ").append(target)
                .append(" for bn4j's layer and for bn-core.\n\n");
        md.append("| shape | pass | bn4j layer | ").append(target).append(" | bn-core, off-heap | ").append(target)
                .append(" | DL4J built-in |\n|---|---|---|---|---|---|---|\n");
        for (List<String> shapes : List.of(large, small)) {
            for (String shape : shapes) {
                for (String pass : BenchmarkMain.PASSES) {
                    double[] layer = bytes(pass, shape, "bn4j");
                    double[] core = bytes(pass, shape, "direct");
                    md.append("| ").append(shape).append(" | ").append(pass).append(" | ").append(amount(layer))
                            .append(" | ").append(met(layer, MAX_BYTES_PER_CALL)).append(" | ").append(amount(core))
                            .append(" | ").append(met(core, MAX_BYTES_PER_CALL)).append(" | ")
                            .append(amount(bytes(pass, shape, "builtin"))).append(" |\n");
                }
            }
        }
    }

    /** Each shape's time among every other shape in one JVM against its time in a fresh fork. */
    private void oneJvm(StringBuilder md) {
        String target = String.format(Locale.ROOT, "at most %.2f", MAX_ONE_JVM_OVER_FRESH_FORK);
        md.append("\n## Every shape in one JVM\n\nbn4j's layer on every benchmark shape in one JVM, each after another "
                + "DL4J layer of its shape and backward in reverse order, as in a network (`NetworkShapesBenchmark`), "
                + "against the same shape and pass in a fork of its own (the bn4j layer column above): milliseconds "
                + "per call, median over forks, [fastest, slowest].\n\n");
        md.append("| shape | pass | one JVM | fresh fork | one JVM / fresh fork | ").append(target)
                .append(" |\n|---|---|---|---|---|---|\n");
        for (String shape : BenchmarkMain.allShapes()) {
            for (String pass : BenchmarkMain.PASSES) {
                double[] together = t.of("network|" + pass + "|shape=" + shape);
                double[] alone = call(pass, shape, "bn4j");
                md.append("| ").append(shape).append(" | ").append(pass).append(" | ").append(ms(together))
                        .append(" | ").append(ms(alone)).append(" | ").append(ratio(together, alone)).append(" | ")
                        .append(met(together, alone, MAX_ONE_JVM_OVER_FRESH_FORK)).append(" |\n");
            }
        }
    }

    /**
     * BN with ReLU three ways per shape, and the goals: the fused ReLU costs at most 10% over BN alone, and saves at
     * least what DL4J's separate ActivationLayer costs ({@code (separate - fused) / (separate - bn)} at least 1).
     */
    String activationTable(String provenance) {
        StringBuilder md = new StringBuilder("# BN with a fused ReLU\n\n");
        md.append(provenance).append("\n\nThe forks ran in rounds, shape by shape, one fork of each variant of a shape "
                + "per round, so that the variants compared ran minutes apart. ");
        md.append("Milliseconds per call: median over forks, [fastest, slowest]. \"BN\": bn4j's "
                + "layer alone; \"fused\": with ReLU applied in bn-core's passes; \"separate\": BN, then DL4J's "
                + "ActivationLayer with ReLU; \"bn-core\": bn-core alone on off-heap memory, without and with the "
                + "ReLU.\n\n");
        md.append("| shape | pass | BN | fused | separate | bn-core | bn-core, fused | fused / BN "
                + "| saved / layer's cost |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (String shape : large) {
            for (String pass : List.of("forwardBackward", "inference")) {
                double[] bn = call(pass, shape, "bn");
                double[] fused = call(pass, shape, "fused");
                double[] separate = call(pass, shape, "separate");
                md.append("| ").append(shape).append(" | ").append(pass).append(" | ").append(ms(bn)).append(" | ")
                        .append(ms(fused)).append(" | ").append(ms(separate)).append(" | ")
                        .append(ms(call(pass, shape, "direct"))).append(" | ")
                        .append(ms(call(pass, shape, "direct-fused")))
                        .append(" | ").append(ratio(fused, bn)).append(" | ").append(savedOverCost(bn, fused, separate))
                        .append(" |\n");
            }
        }
        md.append("\n## In turns\n\nBN alone and with the fused ReLU called in turns in one fork, call by call "
                + "(`ActivationTurnsBenchmark`): milliseconds per call, median over forks [fastest, slowest]; each "
                + "fork's fused / BN, median over forks [smallest, largest]. The goals are decided here: fusing saves "
                + "at least the cost of DL4J's ActivationLayer (separate minus BN) when it saves separate minus fused "
                + "of at least that, that is when fused / BN is at most 1.\n\n");
        md.append("| shape | pass | BN | fused | fused / BN |\n|---|---|---|---|---|\n");
        for (String shape : large) {
            for (String pass : List.of("forwardBackward", "inference")) {
                String key = "turns|" + pass + "|shape=" + shape;
                md.append("| ").append(shape).append(" | ").append(pass).append(" | ")
                        .append(ms(t.of(key + "|impl=bn"))).append(" | ").append(ms(t.of(key + "|impl=fused")))
                        .append(" | ").append(spread(t.of(key + "|ratio=fused/bn"))).append(" |\n");
            }
        }
        md.append("\n## Goals\n\n| goal | shape | measured | target | met |\n|---|---|---|---|---|\n");
        for (String shape : large) {
            for (String pass : List.of("forwardBackward", "inference")) {
                double[] ratios = t.of("turns|" + pass + "|shape=" + shape + "|ratio=fused/bn");
                turnsGoal(md, pass + ", fused ReLU / BN alone", shape, ratios, 1.1);
                turnsGoal(md, pass + ", fused ReLU / BN alone (saves the ActivationLayer's cost)", shape, ratios,
                        1.0);
            }
        }
        md.append("\nThe Inception-style training step with the ReLUs in bn4j's BN layers and with separate "
                + "ActivationLayers, the two networks stepped in turns in one fork (`InceptionTurnsBenchmark`): "
                + "milliseconds per step, median over forks [fastest, slowest]; each fork's fused / separate, median "
                + "over forks [smallest, largest].\n\n"
                + "| training step | ReLU in bn4j's BN | separate ActivationLayers | fused / separate |\n"
                + "|---|---|---|---|\n");
        String step = BenchmarkMain.INCEPTION_TURNS;
        md.append("| Inception-style, 32x32, batch 32 | ").append(ms(t.of(step + "|impl=fused"))).append(" | ")
                .append(ms(t.of(step + "|impl=separate"))).append(" | ")
                .append(spread(t.of(step + "|ratio=fused/separate"))).append(" |\n");
        return md.toString();
    }

    private static void turnsGoal(StringBuilder md, String what, String shape, double[] ratios, double target) {
        md.append("| ").append(what).append(" | ").append(shape).append(" | ").append(spread(ratios))
                .append(" | at most ").append(String.format(Locale.ROOT, "%.2f", target)).append(" | ")
                .append(met(ratios, target)).append(" |\n");
    }

    /**
     * @return the median of sorted ratios, with the smallest and largest, to three decimals: ratios in turns spread
     * by hundredths, so two decimals would show a median just over its target as the target itself
     */
    private static String spread(double[] sorted) {
        return medianAndRange(sorted, "%.3f");
    }

    /** @return {@code (separate - fused) / (separate - bn)} of the medians: at least 1 when fusing saves the layer */
    private static String savedOverCost(double[] bn, double[] fused, double[] separate) {
        if (bn.length == 0 || fused.length == 0 || separate.length == 0) {
            return "-";
        }
        double cost = Timings.median(separate) - Timings.median(bn);
        return String.format(Locale.ROOT, "%.2f", (Timings.median(separate) - Timings.median(fused)) / cost);
    }

    String foldTable() {
        StringBuilder md = new StringBuilder("# BN folding: inference, milliseconds per output() call\n\n");
        md.append("| network | original | BN folded | original / folded |\n|---|---|---|---|\n");
        for (String net : List.of("inception", "resnet50")) {
            double[] original = t.of("output|impl=original|net=" + net);
            double[] folded = t.of("output|impl=folded|net=" + net);
            md.append("| ").append(net.equals("inception") ? "Inception-style, bn4j BN (32x32, batch 32)"
                    : "ResNet50, DL4J's BN (224x224, batch 1)").append(" | ").append(ms(original)).append(" | ")
                    .append(ms(folded)).append(" | ").append(ratio(original, folded)).append(" |\n");
        }
        return md.toString();
    }

    private double[] call(String pass, String shape, String impl) {
        return t.of(pass + "|shape=" + shape + "|impl=" + impl);
    }

    private double[] bytes(String pass, String shape, String impl) {
        return t.of("alloc|" + pass + "|shape=" + shape + "|impl=" + impl);
    }

    /** @return whether the median is within the target, or that it was not measured */
    private static String met(double[] sorted, double target) {
        return sorted.length == 0 ? "not measured" : Timings.median(sorted) <= target ? "yes" : "no";
    }

    private static String amount(double[] bytes) {
        return medianAndRange(bytes, "%.0f");
    }

    /** @return the median of sorted values in {@code format}, with the smallest and largest when there are several */
    private static String medianAndRange(double[] sorted, String format) {
        if (sorted.length == 0) {
            return "-";
        }
        String median = String.format(Locale.ROOT, format, Timings.median(sorted));
        return sorted.length == 1 ? median : median + String.format(Locale.ROOT, " [" + format + ", " + format + "]",
                sorted[0], sorted[sorted.length - 1]);
    }

    private static void goal(StringBuilder md, String what, String shape, double[] a, double[] b, double target) {
        md.append("| ").append(what).append(" | ").append(shape).append(" | ").append(ratio(a, b)).append(" | at most ")
                .append(String.format(Locale.ROOT, "%.2f", target)).append(" | ").append(met(a, b, target))
                .append(" |\n");
    }

    /** @return whether the ratio of the medians is within the target, or that it was not measured */
    private static String met(double[] a, double[] b, double target) {
        return a.length == 0 || b.length == 0 ? "not measured"
                : Timings.median(a) / Timings.median(b) <= target ? "yes" : "no";
    }

    private static String ms(double[] v) {
        if (v.length == 0) {
            return "-";
        }
        return v.length == 1 ? format(v[0])
                : format(Timings.median(v)) + " [" + format(v[0]) + ", " + format(v[v.length - 1]) + "]";
    }

    private static String ratio(double[] a, double[] b) {
        if (a.length == 0 || b.length == 0) {
            return "-";
        }
        String median = String.format(Locale.ROOT, "%.2f", Timings.median(a) / Timings.median(b));
        return a.length == 1 && b.length == 1 ? median : median + String.format(Locale.ROOT, " [%.2f, %.2f]",
                a[0] / b[b.length - 1], a[a.length - 1] / b[0]);
    }

    private static String format(double ms) {
        return String.format(Locale.ROOT, ms < 1 ? "%.3f" : "%.2f", ms);
    }
}
