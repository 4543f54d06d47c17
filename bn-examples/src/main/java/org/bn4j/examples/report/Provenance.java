package org.bn4j.examples.report;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.factory.Nd4j;

/** What a run was: captured when it starts and written into every report, so that results can be traced. */
public final class Provenance {
    private Provenance() {
    }

    /** @param settings the run's options, in the order to report them */
    public static Map<String, String> capture(Map<String, Object> settings) {
        Map<String, String> p = new LinkedHashMap<>();
        settings.forEach((k, v) -> p.put(k, String.valueOf(v)));
        p.put("started", Instant.now().toString());
        p.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        p.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        p.put("processors", String.valueOf(Runtime.getRuntime().availableProcessors()));
        p.put("nd4j threads", String.valueOf(Nd4j.getEnvironment().maxThreads()));
        Versions versions = Versions.current();
        p.put("bn4j", versions.bn4j() + ", commit " + versions.commit());
        p.put("dl4j", versions.dl4j() + " (deeplearning4j-nn), nd4j-native " + versions.nd4j());
        p.put("Vector API", versions.vectorApiState());
        return p;
    }
}
