package org.bn4j.examples.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.bn4j.core.BatchNormalizer;

/**
 * The software a run uses: bn4j's version and commit as the build recorded them, DL4J's and ND4J's versions as
 * resolved on the class path, and whether bn-core runs on the Vector API (it changes timings).
 *
 * @param bn4j      bn4j's version, for example {@code 0.1.0-SNAPSHOT}
 * @param commit    the commit bn4j was built from, {@code -dirty} when built with uncommitted changes
 * @param dl4j      deeplearning4j-nn's version
 * @param nd4j      nd4j-native's version
 * @param vectorApi whether bn-core's reductions use {@code jdk.incubator.vector}
 */
public record Versions(String bn4j, String commit, String dl4j, String nd4j, boolean vectorApi) {
    /** Stands for a value that the class path does not hold, for example in a build outside Maven. */
    public static final String UNKNOWN = "unknown";

    /** @return the versions of this JVM's class path */
    public static Versions current() {
        Properties build = properties("/org/bn4j/examples/report/build.properties");
        return new Versions(build.getProperty("version", UNKNOWN), build.getProperty("commit", UNKNOWN),
                mavenVersion("org.deeplearning4j", "deeplearning4j-nn"), mavenVersion("org.nd4j", "nd4j-native"),
                BatchNormalizer.usesVectorApi());
    }

    /** @return "on", or "off" with how to turn it on */
    public String vectorApiState() {
        return vectorApi ? "on" : "off (start Java with --add-modules jdk.incubator.vector)";
    }

    /** @return the version in the {@code pom.properties} that Maven packs into each artifact's jar */
    private static String mavenVersion(String groupId, String artifactId) {
        return properties("/META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties").getProperty("version",
                UNKNOWN);
    }

    private static Properties properties(String resource) {
        Properties p = new Properties();
        try (InputStream in = Versions.class.getResourceAsStream(resource)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
        return p;
    }
}
