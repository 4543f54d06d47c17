package org.bn4j.examples.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bn4j.examples.train.Curve;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunStoreTest {
    private static final RunStore.Spec SPEC = new RunStore.Spec("inception-BN-x5-seed7",
            Map.of("seed", "7", "steps", "500"));
    private static final Curve CURVE = new Curve("BN-x5",
            List.of(new Curve.Point(250, 0.5), new Curve.Point(500, 0.75)), 12.5);

    @Test
    void aSavedRunIsFoundWithItsCurveAndTime(@TempDir Path dir) throws Exception {
        RunStore store = new RunStore(dir);
        store.save(SPEC, CURVE);

        assertEquals(CURVE, store.finished(SPEC, "BN-x5").orElseThrow());
    }

    @Test
    void aRunWithOtherSettingsIsNotReused(@TempDir Path dir) throws Exception {
        RunStore store = new RunStore(dir);
        store.save(SPEC, CURVE);

        RunStore.Spec otherSteps = new RunStore.Spec(SPEC.id(), Map.of("seed", "7", "steps", "600"));
        assertTrue(store.finished(otherSteps, "BN-x5").isEmpty());
    }

    @Test
    void aRunWithoutItsMarkerCountsAsUnfinished(@TempDir Path dir) throws Exception {
        RunStore store = new RunStore(dir);
        store.save(SPEC, CURVE);
        Files.delete(dir.resolve(SPEC.id() + ".properties"));

        assertTrue(store.finished(SPEC, "BN-x5").isEmpty());
    }

    @Test
    void theCurveIsReadFromItsFile(@TempDir Path dir) throws Exception {
        RunStore store = new RunStore(dir);
        store.save(SPEC, CURVE);
        Files.writeString(store.curve(SPEC), "step,test_accuracy\n250,0.25\n");

        assertEquals(List.of(new Curve.Point(250, 0.25)), store.finished(SPEC, "BN-x5").orElseThrow().points());
    }
}
