package org.bn4j.core.loops;

/**
 * The loops this JVM runs, chosen once: with the incubating Vector API ({@code FloatVectorLoops},
 * {@code DoubleVectorLoops}) where the JVM was started with {@code --add-modules jdk.incubator.vector} and the system
 * property {@code bn4j.vectorApi} is not {@code false}; otherwise in plain Java ({@link FloatScalarLoops},
 * {@code DoubleScalarLoops}), and a {@link VectorApiNotice} says so once, unless that property asked for it.
 *
 * <p>The loops are those that JDK 17's JIT does not vectorize by itself and that bound BN's speed when it does not:
 * reductions along a run (the statistics' moments, the backward pass's gradient sums, the largest magnitude that
 * checks input under {@code NonFinitePolicy.REJECT}), and the loops of channels-last rows, whose arrays are indexed
 * from different offsets. Either implementation gives the same result at any thread count; the two differ from each
 * other in the last bits of sums only.
 */
public final class Loops {
    private static final Loops CHOSEN = choose();

    private final FloatLoops<float[]> floats;
    private final DoubleLoops<double[]> doubles;

    private Loops(FloatLoops<float[]> floats, DoubleLoops<double[]> doubles) {
        this.floats = floats;
        this.doubles = doubles;
    }

    /** @return the loops of float arrays */
    public static FloatLoops<float[]> floats() {
        return CHOSEN.floats;
    }

    /** @return the loops of double arrays */
    public static DoubleLoops<double[]> doubles() {
        return CHOSEN.doubles;
    }

    /** @return whether the loops run on the Vector API */
    public static boolean usesVectorApi() {
        return !(CHOSEN.floats instanceof FloatScalarLoops);
    }

    /**
     * @return what runs the loops, {@code scalar} or {@code vector-<bits>}: results are reproducible bit for bit
     * between JVMs with the same description
     */
    public static String description() {
        return CHOSEN.floats.description();
    }

    /** The vector loops are loaded by name, so that a JVM without the module never links them. */
    @SuppressWarnings("unchecked")
    private static Loops choose() {
        boolean wanted = !"false".equalsIgnoreCase(System.getProperty("bn4j.vectorApi"));
        if (wanted && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            try {
                return new Loops(
                        (FloatLoops<float[]>) Class.forName("org.bn4j.core.loops.FloatVectorLoops")
                                .getDeclaredConstructor().newInstance(),
                        (DoubleLoops<double[]>) Class.forName("org.bn4j.core.loops.DoubleVectorLoops")
                                .getDeclaredConstructor().newInstance());
            } catch (ReflectiveOperationException | LinkageError e) {
                VectorApiNotice.loopsUnavailable(e);
                return scalar();
            }
        }
        if (wanted) {
            VectorApiNotice.moduleMissing();
        }
        return scalar();
    }

    private static Loops scalar() {
        return new Loops(new FloatScalarLoops(), new DoubleScalarLoops());
    }
}
