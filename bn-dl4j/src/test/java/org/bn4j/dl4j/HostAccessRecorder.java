package org.bn4j.dl4j;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.cpu.nativecpu.ops.NativeOpExecutioner;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Checks, on the CPU backend, that bn4j reaches ND4J memory as a GPU backend needs it. Installed, it stands behind
 * {@link NdBuffers} as its {@link HostMemory} (passing each call on to ND4J's) and watches every ND4J op through
 * the op executioner; it models each buffer (an array with its views) as a GPU backend keeps it:
 * <ul>
 *   <li>a buffer's host copy is current after {@link #toHost} until an ND4J op writes the buffer; a
 *       {@link #pointer} taken when it is not current is a violation (on a GPU: a null pointer, or stale values);</li>
 *   <li>what the host writes through a pointer must be marked {@link #written} before the next ND4J op reads or
 *       writes the buffer, and before the check ends (on a GPU: the op would use the stale device copy). Writes
 *       are found by comparing the bytes with those seen when the pointer was taken.</li>
 * </ul>
 * Ops are seen through the executioner's profiling hook, called before every op it runs on arrays; copies ND4J
 * makes without an op ({@code dup}, {@code pullRows}) are not seen, nor the arrays of a legacy op run with an
 * {@code OpContext} instead of its own.
 */
final class HostAccessRecorder implements HostMemory, AutoCloseable {
    private final HostMemory nd4j = Nd4jHostMemory.INSTANCE;
    private final Map<DataBuffer, BufferState> buffers = new IdentityHashMap<>();
    private final List<String> violations = new ArrayList<>();
    /** Every array whose memory {@link #toHost} or {@link #pointer} was called for. */
    private final List<INDArray> reached = new ArrayList<>();
    private final HostMemory previousHost;
    private final OpExecutioner previousExecutioner;
    private int pointers;
    private int tagged;

    private HostAccessRecorder(boolean behindNdBuffers) {
        previousHost = behindNdBuffers ? NdBuffers.useHostMemory(this) : null;
        previousExecutioner = swapExecutioner(new Observing(this));
    }

    /** @return a recorder standing behind {@link NdBuffers} and watching ND4J ops, until closed */
    static HostAccessRecorder install() {
        return new HostAccessRecorder(true);
    }

    /**
     * @param missing "toHost" or "written": the call that {@link NdBuffers} will not make
     * @return a recorder watching ND4J ops, behind which NdBuffers works with one of its calls removed
     */
    static HostAccessRecorder installWithout(String missing) {
        HostAccessRecorder recorder = new HostAccessRecorder(false);
        HostMemory partial = new HostMemory() {
            @Override
            public void toHost(INDArray a) {
                if (!missing.equals("toHost")) {
                    recorder.toHost(a);
                }
            }

            @Override
            public Pointer pointer(INDArray a) {
                return recorder.pointer(a);
            }

            @Override
            public void written(INDArray a) {
                if (!missing.equals("written")) {
                    recorder.written(a);
                }
            }
        };
        NdBuffers.useHostMemory(partial);
        return recorder;
    }

    @Override
    public synchronized void toHost(INDArray a) {
        reached.add(a);
        state(a).current = true;
        nd4j.toHost(a);
    }

    @Override
    public synchronized Pointer pointer(INDArray a) {
        BufferState state = state(a);
        if (!state.current) {
            violations.add("memory of " + describe(a) + " taken without toHost, at " + caller());
        }
        pointers++;
        reached.add(a);
        Pointer pointer = nd4j.pointer(a);
        state.taken.add(new Taken(a, bytes(a), caller()));
        return pointer;
    }

    @Override
    public synchronized void written(INDArray a) {
        BufferState state = state(a);
        if (!state.current) {
            violations.add(describe(a) + " marked written but never brought to the host, at " + caller());
        }
        state.taken.clear();
        tagged++;
        nd4j.written(a);
    }

    /** Called before every ND4J op, with the arrays it reads and writes. */
    synchronized void op(String name, List<INDArray> inputs, List<INDArray> outputs) {
        List<INDArray> all = new ArrayList<>(inputs);
        all.addAll(outputs);
        for (INDArray a : all) {
            BufferState state = a == null || a.isEmpty() ? null : buffers.get(root(a));
            if (state != null) {
                requireUnchangedOrTagged(state, "before ND4J op " + name);
            }
        }
        for (INDArray a : outputs) {
            BufferState state = a == null || a.isEmpty() ? null : buffers.get(root(a));
            if (state != null) {
                state.current = false;
            }
        }
    }

    /** @return every violation so far, and every host write still not marked */
    synchronized List<String> violations() {
        for (BufferState state : buffers.values()) {
            requireUnchangedOrTagged(state, "by the end");
        }
        return new ArrayList<>(violations);
    }

    /** @return how many pointers were taken: that the checked code reached memory through the seam at all */
    synchronized int pointers() {
        return pointers;
    }

    /**
     * @return whether bn4j brought to the host, or took a pointer to, memory overlapping {@code view} (a contiguous
     * view such as a parameter of the network's flat parameter array)
     */
    synchronized boolean reached(INDArray view) {
        DataBuffer root = root(view);
        for (INDArray a : reached) {
            if (root(a) == root && a.offset() < view.offset() + view.length()
                    && view.offset() < a.offset() + a.length()) {
                return true;
            }
        }
        return false;
    }

    /** @return how many times arrays were marked written */
    synchronized int tagged() {
        return tagged;
    }

    @Override
    public void close() {
        swapExecutioner(previousExecutioner);
        NdBuffers.useHostMemory(previousHost != null ? previousHost : Nd4jHostMemory.INSTANCE);
    }

    private void requireUnchangedOrTagged(BufferState state, String when) {
        for (Taken taken : state.taken) {
            if (inScope(taken.array) && !Arrays.equals(taken.bytes, bytes(taken.array))) {
                violations.add("host write into " + describe(taken.array) + " (pointer taken at " + taken.caller
                        + ") not marked written " + when);
            }
        }
        state.taken.clear();
    }

    /** Whether {@code a}'s memory is still its own: a workspace reuses it once the workspace's scope is left. */
    private static boolean inScope(INDArray a) {
        if (!a.isAttached()) {
            return true;
        }
        MemoryWorkspace workspace = a.data().getParentWorkspace();
        return workspace != null && workspace.getGenerationId() == a.data().getGenerationId();
    }

    private BufferState state(INDArray a) {
        return buffers.computeIfAbsent(root(a), buffer -> new BufferState());
    }

    /** The buffer that owns {@code a}'s memory: views share it with the array they view. */
    static DataBuffer root(INDArray a) {
        DataBuffer buffer = a.data();
        while (true) {
            DataBuffer next = buffer.underlyingDataBuffer() != null && buffer.underlyingDataBuffer() != buffer
                    ? buffer.underlyingDataBuffer() : buffer.originalDataBuffer();
            if (next == null || next == buffer) {
                return buffer;
            }
            buffer = next;
        }
    }

    private byte[] bytes(INDArray a) {
        long length = a.length() * a.dataType().width();
        ByteBuffer memory = new BytePointer(nd4j.pointer(a)).position(0).limit(length).asByteBuffer();
        byte[] copy = new byte[(int) length];
        memory.get(copy);
        return copy;
    }

    private static String describe(INDArray a) {
        return a.dataType() + Arrays.toString(a.shape());
    }

    /** The first bn4j frame outside the seam: where the access comes from. */
    private static String caller() {
        for (StackTraceElement frame : new Throwable().getStackTrace()) {
            String type = frame.getClassName();
            if (type.startsWith("org.bn4j.dl4j.") && !type.startsWith(NdBuffers.class.getName())
                    && !type.startsWith(HostAccessRecorder.class.getName())) {
                return frame.getClassName().substring("org.bn4j.dl4j.".length()) + "." + frame.getMethodName()
                        + ":" + frame.getLineNumber();
            }
        }
        return "?";
    }

    private static OpExecutioner swapExecutioner(OpExecutioner executioner) {
        try {
            Field field = Nd4j.class.getDeclaredField("OP_EXECUTIONER_INSTANCE");
            field.setAccessible(true);
            OpExecutioner previous = (OpExecutioner) field.get(null);
            field.set(null, executioner);
            return previous;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot watch ND4J's ops", e);
        }
    }

    /** A buffer as a GPU backend keeps it. */
    private static final class BufferState {
        /** Whether the host copy is current. */
        boolean current;
        /** Pointers taken since the buffer was last marked written or used by an op, with the bytes then. */
        final List<Taken> taken = new ArrayList<>();
    }

    private record Taken(INDArray array, byte[] bytes, String caller) {
    }

    /** ND4J's CPU executioner, reporting each op's arrays to the recorder before running it. */
    private static final class Observing extends NativeOpExecutioner {
        private final HostAccessRecorder recorder;

        Observing(HostAccessRecorder recorder) {
            this.recorder = recorder;
        }

        @Override
        public long profilingConfigurableHookIn(Op op, DataBuffer... tadBuffers) {
            recorder.op(op.opName(), Arrays.asList(op.x(), op.y()), Arrays.asList(op.z()));
            return super.profilingConfigurableHookIn(op, tadBuffers);
        }

        @Override
        public long profilingConfigurableHookIn(CustomOp op, OpContext oc) {
            recorder.op(op.opName(), oc != null ? oc.getInputArrays() : op.inputArguments(),
                    oc != null ? oc.getOutputArrays() : op.outputArguments());
            return super.profilingConfigurableHookIn(op, oc);
        }
    }
}
