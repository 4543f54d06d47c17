package org.bn4j.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bn4j.examples.data.Examples;
import org.bn4j.examples.data.Mnist;
import org.bn4j.examples.nets.BatchNormImpl;
import org.bn4j.examples.nets.MnistMlp;
import org.bn4j.examples.train.Curve;
import org.bn4j.examples.train.Trainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The paper's claims on MNIST, at a small step count with a fixed seed. */
@Tag("slow")
class MnistBatchNormTest {
    private static final int STEPS = 300;
    private static Examples mnist;

    @BeforeAll
    static void data() throws Exception {
        mnist = Mnist.bundled();
    }

    private static Curve train(BatchNormImpl bn, double lr) {
        return new Trainer(STEPS, 60, STEPS, 1502, false).train("test", MnistMlp.build(bn, lr, 0.1, 1502),
                mnist.train(), mnist.test());
    }

    @Test
    void withBatchNormTheTestAccuracyIsHigherAfterTheSameSteps() {
        double plain = train(null, 0.5).finalAccuracy();
        double withBn = train(BatchNormImpl.BN4J, 0.5).finalAccuracy();

        assertTrue(withBn > plain + 0.1, "with BN " + withBn + ", without " + plain);
    }

    @Test
    void withBatchNormTheNetLearnsAtALearningRateWhereThePlainSigmoidNetDoesNot() {
        double plain = train(null, 30).finalAccuracy();
        double withBn = train(BatchNormImpl.BN4J, 30).finalAccuracy();

        assertTrue(plain < 0.2, "without BN at lr 30: " + plain + " (chance is 0.1)");
        assertTrue(withBn > 0.6, "with BN at lr 30: " + withBn);
    }
}
