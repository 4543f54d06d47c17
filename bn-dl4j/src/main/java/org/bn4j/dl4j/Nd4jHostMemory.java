package org.bn4j.dl4j;

import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link HostMemory} through ND4J's {@link AffinityManager}, as ND4J's own host-side code does it. The first use in
 * a JVM on a backend other than the CPU one logs that bn4j computes on the host.
 */
enum Nd4jHostMemory implements HostMemory {
    INSTANCE;

    private static final Logger LOG = LoggerFactory.getLogger(Nd4jHostMemory.class);

    static {
        if (!Nd4j.getEnvironment().isCPU()) {
            LOG.warn(backendNotice(false, Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend")));
        }
    }

    /** @return what bn4j says once per JVM on the given backend, or null on the CPU backend */
    static String backendNotice(boolean cpu, String backend) {
        return cpu ? null : "bn4j computes batch normalization on the host: on ND4J's " + backend + " backend every "
                + "BatchNorm layer copies each batch from the device to the host and its results back. DL4J's built-in "
                + "BatchNormalization runs on the device; BatchNormSwap.toBuiltIn(network) converts a network to it.";
    }

    @Override
    public void toHost(INDArray a) {
        Nd4j.getAffinityManager().ensureLocation(a, AffinityManager.Location.HOST);
    }

    @Override
    public Pointer pointer(INDArray a) {
        return a.data().addressPointer();
    }

    @Override
    public void written(INDArray a) {
        Nd4j.getAffinityManager().tagLocation(a, AffinityManager.Location.HOST);
    }
}
