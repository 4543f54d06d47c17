package org.bn4j.dl4j;

/**
 * What one {@link BatchNormLayer} has seen of its network's training, to tell running statistics that were never
 * updated by mistake from statistics that are kept by design.
 *
 * <p>The fault it exists for is Spark's {@code SharedTrainingMaster}: the driver's network trains (its iteration
 * count grows) while its BN layers never run a training step there, so their statistics stay at mean 0, variance 1.
 * Statistics kept by design look the same; they are told apart by what the layer saw:
 * <ul>
 *   <li>backprop of an inference-mode pass: the layer is inside DL4J's {@code FrozenLayerWithBackprop}, which runs
 *       it in inference mode while the network trains;</li>
 *   <li>inference-mode passes at two iteration counts with no training-mode pass: the network trained around the
 *       layer without training it, as around a layer inside DL4J's {@code FrozenLayer};</li>
 *   <li>no training since the layer joined the network (its iteration and epoch counts are those it was
 *       initialized with): a BN layer added by {@code TransferLearning} to a trained network, say.</li>
 * </ul>
 * A driver network used for inference before Spark training and not in training mode is taken for the second case;
 * the check is a safety net for the common use, not a proof.
 */
final class StatisticsHistory implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private static final int UNKNOWN = -1;

    private int initialIteration = UNKNOWN;
    private int initialEpoch = UNKNOWN;
    private int lastInferenceIteration = UNKNOWN;
    private boolean ranTrainingPass;
    /** Set once the layer showed that it keeps its statistics by design; never cleared. */
    private boolean keptByDesign;

    /** Notes the network's counts; the first call (DL4J's network {@code init}) fixes the layer's starting point. */
    void counts(int iteration, int epoch) {
        if (initialIteration == UNKNOWN) {
            initialIteration = iteration;
            initialEpoch = epoch;
        }
    }

    void trainingPass() {
        ranTrainingPass = true;
    }

    void backpropOfInferencePass() {
        keptByDesign = true;
    }

    /**
     * Records an inference-mode pass at {@code iteration}.
     *
     * @return whether the layer's statistics should have been updated by training before this pass
     */
    boolean inferencePass(int iteration, int epoch) {
        boolean trainedSinceInit = initialIteration == UNKNOWN ? iteration + epoch > 0
                : iteration > initialIteration || epoch > initialEpoch;
        keptByDesign |= !ranTrainingPass && lastInferenceIteration != UNKNOWN && lastInferenceIteration != iteration;
        lastInferenceIteration = iteration;
        return trainedSinceInit && !keptByDesign;
    }
}
