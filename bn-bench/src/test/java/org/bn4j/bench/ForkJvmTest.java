package org.bn4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each fork gets the launching JVM's options with the Vector API's module and the heap as its configuration says. */
class ForkJvmTest {
    private static final List<String> LAUNCHING = List.of("--add-modules=jdk.incubator.vector", "-Xmx4g",
            "-Dbn4j.vectorBits=256", "-Dbn4j.bench.vectorApi=true");
    private static final String[] HEAP = {"-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch"};

    @Test
    void tunedForksGetTheModuleAndTheFixedHeapInPlaceOfTheLaunchingJvms() {
        assertEquals(List.of("-Dbn4j.vectorBits=256", "--add-modules=jdk.incubator.vector", "-Xms512m", "-Xmx512m",
                "-XX:+AlwaysPreTouch", "-Dbn4j.bench.vectorApi=true"), ForkJvm.TUNED.args(LAUNCHING, HEAP));
    }

    @Test
    void defaultForksGetNeitherTheModuleNorAHeapSetting() {
        assertEquals(List.of("-Dbn4j.vectorBits=256", "-Dbn4j.bench.vectorApi=false"),
                ForkJvm.DEFAULT.args(LAUNCHING, HEAP));
    }

    @Test
    void otherModulesStayWhenTheVectorApiGoes() {
        assertEquals(List.of("--add-modules=java.sql", "--add-modules=jdk.jfr", "-Dbn4j.bench.vectorApi=false"),
                new ForkJvm(false, true).args(List.of("--add-modules", "jdk.incubator.vector,java.sql",
                        "--add-modules=jdk.jfr"), new String[0]));
    }

    @Test
    void reportFilesAreNamedAfterWhatDiffersFromTheTunedRun() {
        assertEquals("", ForkJvm.TUNED.fileSuffix());
        assertEquals("-no-vector-api-default-heap", ForkJvm.DEFAULT.fileSuffix());
        assertEquals("-default-heap", new ForkJvm(true, false).fileSuffix());
    }
}
