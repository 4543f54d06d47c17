package org.bn4j.examples.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.bn4j.core.BatchNormalizer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.cpu.nativecpu.NDArray;

/** Reports record the software that ran: versions as built and as resolved, not as written in the code. */
class VersionsTest {
    /** @return the version in the name of the jar that {@code type} was loaded from, e.g. 1.0.0-M2.1 */
    private static String jarVersion(Class<?> type, String artifactId) throws Exception {
        String jar = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).getFileName().toString();
        assertTrue(jar.startsWith(artifactId + "-") && jar.endsWith(".jar"), jar);
        return jar.substring(artifactId.length() + 1, jar.length() - 4).replace("-linux-x86_64", "");
    }

    @Test
    void dl4jIsTheVersionOnTheClassPath() throws Exception {
        assertEquals(jarVersion(MultiLayerNetwork.class, "deeplearning4j-nn"), Versions.current().dl4j());
    }

    @Test
    void nd4jIsTheVersionOfTheBackendOnTheClassPath() throws Exception {
        assertEquals(jarVersion(NDArray.class, "nd4j-native"), Versions.current().nd4j());
    }

    @Test
    void bn4jVersionAndCommitComeFromTheBuild() {
        Versions v = Versions.current();

        assertTrue(v.bn4j().matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), v.bn4j());
        // tests run in a git checkout: an abbreviated commit, marked when the tree has uncommitted changes
        assertTrue(v.commit().matches("[0-9a-f]{12}(-dirty)?"), v.commit());
    }

    @Test
    void vectorApiIsWhatBnCoreUses() {
        assertEquals(BatchNormalizer.usesVectorApi(), Versions.current().vectorApi());
        // the build runs tests with --add-modules jdk.incubator.vector
        assertEquals("on", Versions.current().vectorApiState());
    }

    @Test
    void provenanceRecordsTheVersions() {
        Versions v = Versions.current();

        Map<String, String> p = Provenance.capture(Map.of());

        assertEquals(v.bn4j() + ", commit " + v.commit(), p.get("bn4j"));
        assertEquals(v.dl4j() + " (deeplearning4j-nn), nd4j-native " + v.nd4j(), p.get("dl4j"));
        assertEquals(v.vectorApiState(), p.get("Vector API"));
    }
}
