package org.bn4j.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bn4j.core.BatchNormalizer;

/**
 * How JMH starts each fork: with or without the Vector API's module, and with a fixed Java heap touched before the
 * first iteration or with the JVM's default heap. The forks get the launching JVM's other options, and check at set-up
 * that bn-core's loops are the ones asked for ({@link #checkThisFork()}).
 *
 * @param vectorApi {@code --add-modules jdk.incubator.vector} in every fork
 * @param fixedHeap the heap options the benchmark passes (e.g. {@code -Xms512m -Xmx512m -XX:+AlwaysPreTouch});
 *                  without them the JVM sizes and grows its heap itself, as a user's JVM does
 */
record ForkJvm(boolean vectorApi, boolean fixedHeap) {
    /** What the benchmark measures unless told otherwise. */
    static final ForkJvm TUNED = new ForkJvm(true, true);
    /** What a user who only adds the dependency runs. */
    static final ForkJvm DEFAULT = new ForkJvm(false, false);

    private static final String MODULE = "jdk.incubator.vector";
    /** Set in every fork: whether it must run bn-core's Vector API loops. */
    private static final String EXPECTED = "bn4j.bench.vectorApi";

    /**
     * @param launching the launching JVM's options (what JMH would pass on by itself)
     * @param heap      the fixed heap's options, used when {@link #fixedHeap()}
     * @return every fork's JVM options: the launching JVM's without its Vector API module and heap settings, then
     *         this configuration's
     */
    List<String> args(List<String> launching, String... heap) {
        List<String> args = new ArrayList<>();
        for (int i = 0; i < launching.size(); i++) {
            String arg = launching.get(i);
            if (arg.equals("--add-modules") && i + 1 < launching.size()) {
                addModules(args, launching.get(++i));
            } else if (arg.startsWith("--add-modules=")) {
                addModules(args, arg.substring("--add-modules=".length()));
            } else if (!isHeapOption(arg) && !arg.startsWith("-D" + EXPECTED + "=")) {
                args.add(arg);
            }
        }
        if (vectorApi) {
            args.add("--add-modules=" + MODULE);
        }
        if (fixedHeap) {
            args.addAll(Arrays.asList(heap));
        }
        args.add("-D" + EXPECTED + "=" + vectorApi);
        return args;
    }

    /** @return how the provenance line describes these forks */
    String description(String... heap) {
        return "Vector API " + (vectorApi ? "on (--add-modules " + MODULE + ")" : "off (forks without " + MODULE + ")")
                + ", " + (fixedHeap ? "a fixed Java heap touched before the first iteration (" + String.join(" ", heap)
                        + ")" : "the JVM's default heap (no -Xms, -Xmx or pre-touch)");
    }

    /** @return the suffix of a report's file name: none for {@link #TUNED} */
    String fileSuffix() {
        return (vectorApi ? "" : "-no-vector-api") + (fixedHeap ? "" : "-default-heap");
    }

    /**
     * Fails a fork whose bn-core loops are not the ones its launcher asked for, so that no report mislabels them.
     *
     * @throws IllegalStateException when the fork was told to expect the other loops
     */
    static void checkThisFork() {
        String expected = System.getProperty(EXPECTED);
        if (expected != null && Boolean.parseBoolean(expected) != BatchNormalizer.usesVectorApi()) {
            throw new IllegalStateException("this fork should run bn-core " + (Boolean.parseBoolean(expected)
                    ? "with" : "without") + " the Vector API, and does not: check -Dbn4j.vectorApi and --add-modules");
        }
    }

    private static void addModules(List<String> args, String modules) {
        List<String> others = new ArrayList<>(Arrays.asList(modules.split(",")));
        others.remove(MODULE);
        if (!others.isEmpty()) {
            args.add("--add-modules=" + String.join(",", others));
        }
    }

    private static boolean isHeapOption(String arg) {
        return arg.startsWith("-Xms") || arg.startsWith("-Xmx") || arg.equals("-XX:+AlwaysPreTouch");
    }
}
