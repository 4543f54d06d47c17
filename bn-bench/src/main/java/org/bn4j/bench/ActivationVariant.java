package org.bn4j.bench;

import org.bn4j.dl4j.BatchNorm;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.openjdk.jmh.infra.Blackhole;

/**
 * BN followed by ReLU as layers, one of three ways: {@code bn} (bn4j's layer alone, no activation), {@code fused}
 * (bn4j's layer with ReLU, applied in bn-core's passes) or {@code separate} (bn4j's layer, then DL4J's
 * {@code ActivationLayer} with ReLU). Called as DL4J's training loop calls layers: inside a reused workspace, which
 * learns its size from its first use.
 */
final class ActivationVariant {
    private final Layer bn;
    /** DL4J's ReLU layer after {@link #bn}; null unless {@code separate}. */
    private final Layer relu;
    private final LayerWorkspaceMgr workspaces;

    /** @param workspace the name of the workspace, per thread: variants with one name share its memory */
    ActivationVariant(String impl, BenchShape shape, String workspace) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).list()
                .layer(impl.equals("fused") ? new BatchNorm.Builder().activation(Activation.RELU).build()
                        : new BatchNorm.Builder().build());
        if (impl.equals("separate")) {
            list.layer(new ActivationLayer.Builder().activation(Activation.RELU).build());
        } else if (!impl.equals("bn") && !impl.equals("fused")) {
            throw new IllegalArgumentException("no such variant: " + impl + "; one of bn, fused, separate");
        }
        MultiLayerNetwork net = new MultiLayerNetwork(list.setInputType(shape.inputType()).build());
        net.init();
        net.initGradientsView();
        bn = net.getLayer(0);
        relu = impl.equals("separate") ? net.getLayer(1) : null;
        WorkspaceConfiguration reuse = WorkspaceConfiguration.builder().initialSize(0).overallocationLimit(0.05)
                .policyLearning(LearningPolicy.FIRST_LOOP).policyAllocation(AllocationPolicy.OVERALLOCATE).build();
        workspaces = LayerWorkspaceMgr.builder().defaultWorkspace(workspace, reuse).build();
    }

    void forwardBackward(INDArray x, INDArray dy, Blackhole bh) {
        try (MemoryWorkspace ws = workspaces.notifyScopeEntered(ArrayType.ACTIVATIONS)) {
            INDArray y = bn.activate(x, true, workspaces);
            if (relu == null) {
                bh.consume(y);
                bh.consume(bn.backpropGradient(dy, workspaces));
            } else {
                bh.consume(relu.activate(y, true, workspaces));
                bh.consume(bn.backpropGradient(relu.backpropGradient(dy, workspaces).getSecond(), workspaces));
            }
        }
    }

    void inference(INDArray x, Blackhole bh) {
        try (MemoryWorkspace ws = workspaces.notifyScopeEntered(ArrayType.ACTIVATIONS)) {
            INDArray y = bn.activate(x, false, workspaces);
            bh.consume(relu == null ? y : relu.activate(y, false, workspaces));
        }
    }
}
