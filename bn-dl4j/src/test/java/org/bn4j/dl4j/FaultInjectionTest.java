package org.bn4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bn4j.core.NonFinitePolicy;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * NaN and infinities injected into the features or the labels of {@code fit} are rejected by default, with every
 * parameter, running statistic, updater state and the iteration count exactly as before, and the network trains on
 * afterwards exactly as a twin that never saw a fault. {@link NonFinitePolicy#PROPAGATE} lets them through.
 */
class FaultInjectionTest {
    static final int FAULTS = 200;

    private static MultiLayerNetwork network(NonFinitePolicy policy) {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(Networks.SEED).updater(new Adam(0.01))
                .list()
                .layer(new DenseLayer.Builder().nOut(5).hasBias(false).activation(Activation.IDENTITY).build())
                .layer(new BatchNorm.Builder().name("bn").nonFinitePolicy(policy).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2).activation(Activation.TANH)
                        .build())
                .setInputType(InputType.feedForward(4)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static INDArray features(long seed) {
        return TestArrays.uniform(DataType.FLOAT, seed, -2, 2, 8, 4);
    }

    private static INDArray labels(long seed) {
        return TestArrays.uniform(DataType.FLOAT, seed + 1000, -1, 1, 8, 2);
    }

    @Test
    void nonFiniteFeaturesOrLabelsAreRejectedAndLeaveTheNetworkExactlyAsItWas() {
        MultiLayerNetwork net = network(NonFinitePolicy.REJECT);
        MultiLayerNetwork twin = network(NonFinitePolicy.REJECT);
        SplittableRandom random = new SplittableRandom(7);
        float[] bad = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        int injected = 0;
        for (int step = 0; step < FAULTS; step++) {
            net.fit(features(step), labels(step));
            twin.fit(features(step), labels(step));

            INDArray x = features(10_000 + step);
            INDArray y = labels(10_000 + step);
            boolean inLabels = random.nextBoolean();
            INDArray target = inLabels ? y : x;
            target.putScalar(random.nextInt((int) target.length()), bad[random.nextInt(bad.length)]);
            float[] params = net.params().toFloatVector();
            float[] updater = net.getUpdater().getStateViewArray().toFloatVector();
            int iterations = net.getIterationCount();

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.fit(x, y),
                    "fault " + step + " in the " + (inLabels ? "labels" : "features"));
            injected++;
            assertTrue(
                    e.getMessage()
                            .startsWith("BatchNorm layer \"bn\" (index 1): " + (inLabels ? "dy holds" : "x holds")),
                    e.getMessage());
            assertArrayEquals(params, net.params().toFloatVector(), "parameters or running statistics changed");
            assertArrayEquals(updater, net.getUpdater().getStateViewArray().toFloatVector(), "updater state changed");
            assertEquals(iterations, net.getIterationCount(), "the iteration count moved");
        }
        assertEquals(FAULTS, injected);
        System.out.println("FaultInjectionTest: " + injected + " faults injected into fit");
        // Nothing lingers (workspaces, cached activations): training goes on bit for bit as in the twin.
        for (int step = 0; step < 5; step++) {
            net.fit(features(50_000 + step), labels(50_000 + step));
            twin.fit(features(50_000 + step), labels(50_000 + step));
        }
        assertArrayEquals(twin.params().toFloatVector(), net.params().toFloatVector());
        INDArray probe = features(99);
        assertArrayEquals(twin.output(probe).dup().data().asFloat(), net.output(probe).dup().data().asFloat());
    }

    @Test
    void propagatePolicyLetsNanThroughIntoTheParameters() {
        MultiLayerNetwork net = network(NonFinitePolicy.PROPAGATE);
        net.fit(features(1), labels(1));
        INDArray x = features(2);
        x.putScalar(3, 1, Float.NaN);
        net.fit(x, labels(2));
        INDArray bnParams = net.getLayer(1).params();
        assertTrue(bnParams.isNaN().any(), "PROPAGATE should let NaN into the BN statistics: " + bnParams);
    }
}
