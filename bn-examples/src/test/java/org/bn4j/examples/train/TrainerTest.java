package org.bn4j.examples.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.bn4j.examples.data.Examples;
import org.bn4j.examples.data.Mnist;
import org.bn4j.examples.nets.MnistMlp;
import org.junit.jupiter.api.Test;

class TrainerTest {
    @Test
    void aStopRuleEndsTheRunAfterTheMeasurementWhereItSaysSo() throws Exception {
        Examples mnist = Mnist.bundled().head(600, 100);
        Trainer trainer = new Trainer(100, 60, 10, 1, false);

        try (Progress bar = Progress.start(false, "test", 100, " steps")) {
            Curve curve = trainer.train("test", MnistMlp.build(null, 0.5, 0.1, 1), mnist.train(), mnist.test(),
                    points -> points.size() == 3, bar);

            assertEquals(List.of(10, 20, 30), curve.points().stream().map(Curve.Point::step).toList());
        }
    }
}
