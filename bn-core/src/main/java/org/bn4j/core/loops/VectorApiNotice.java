package org.bn4j.core.loops;

import java.lang.System.Logger.Level;

/**
 * The warning bn-core logs when it runs its loops in plain Java without being asked to: that the Vector API is off,
 * what that costs, and the JVM option that turns it on. {@link Loops} logs it when it chooses its implementation,
 * which happens once per JVM, at bn-core's first call; {@code -Dbn4j.vectorApi=false} chooses plain Java on purpose
 * and logs nothing. Logged through {@link System.Logger} (java.util.logging unless the application installs another
 * backend), logger {@code org.bn4j.core}, level {@code WARNING}.
 */
final class VectorApiNotice {
    /** The JVM option that turns the Vector API on. */
    static final String OPTION = "--add-modules jdk.incubator.vector";

    private VectorApiNotice() {
    }

    /** The JVM was started without the Vector API's module. */
    static void moduleMissing() {
        log("this JVM was started without the Vector API's module. " + howToTurnItOn());
    }

    /** The module is there but bn-core's vector loops did not load: a JDK whose incubating API changed, for one. */
    static void loopsUnavailable(Throwable cause) {
        log("its Vector API loops did not load on Java " + Runtime.version() + " (" + cause + ").");
    }

    private static void log(String why) {
        System.getLogger("org.bn4j.core").log(Level.WARNING, "bn4j: bn-core runs its loops in plain Java, which "
                + "makes batch normalization up to several times slower (see bn4j's docs/performance.md), because "
                + why);
    }

    /** @return the option, and where each kind of launch takes it */
    private static String howToTurnItOn() {
        return "Start the JVM with " + OPTION + " to turn the Vector API on: in Maven Surefire's <argLine>, Gradle's "
                + "jvmArgs (or applicationDefaultJvmArgs), the java command line (before -jar or the main class), or "
                + "the environment variable JDK_JAVA_OPTIONS for every launch. -Dbn4j.vectorApi=false keeps plain "
                + "Java without this warning.";
    }
}
