package org.bn4j.core.loops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.bn4j.core.BatchNormConfig;
import org.bn4j.core.BatchNormalizer;
import org.bn4j.core.FreshJvm;
import org.bn4j.core.Layout;
import org.bn4j.core.Parallelism;
import org.bn4j.core.Shape;
import org.bn4j.core.Values;
import org.junit.jupiter.api.Test;

/**
 * A JVM without the Vector API's module warns once that bn-core runs in plain Java, what that costs and which option
 * turns the Vector API on; a JVM with the module, or one told {@code -Dbn4j.vectorApi=false}, says nothing. Each case
 * is a fresh JVM that calls bn-core several times, from two threads and two normalizers.
 */
class VectorApiNoticeTest {
    private static final String NOTICE = "bn4j: bn-core runs its loops in plain Java";

    @Test
    void aJvmWithoutTheModuleWarnsExactlyOnceAndSaysWhatToAdd() throws IOException, InterruptedException {
        String log = runCalls();

        assertEquals(1, occurrences(log, NOTICE), log);
        assertTrue(log.contains("WARNING"), log);
        for (String advice : List.of(VectorApiNotice.OPTION, "slower", "docs/performance.md", "<argLine>", "jvmArgs",
                "JDK_JAVA_OPTIONS", "-Dbn4j.vectorApi=false")) {
            assertTrue(log.contains(advice), "the warning does not mention " + advice + ":\n" + log);
        }
    }

    @Test
    void aJvmWithTheModuleSaysNothing() throws IOException, InterruptedException {
        String log = runCalls("--add-modules", "jdk.incubator.vector");

        assertEquals(0, occurrences(log, NOTICE), log);
        assertTrue(log.contains("vector-"), "the calls did not run the vector loops:\n" + log);
    }

    @Test
    void plainJavaChosenOnPurposeSaysNothing() throws IOException, InterruptedException {
        String log = runCalls("-Dbn4j.vectorApi=false");

        assertEquals(0, occurrences(log, NOTICE), log);
        assertTrue(log.contains("scalar"), "the calls did not run the plain-Java loops:\n" + log);
    }

    /** @return what a fresh JVM with these options printed, standard error included, after {@link Calls} */
    private static String runCalls(String... options) throws IOException, InterruptedException {
        return FreshJvm.run(List.of(options), Calls.class);
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    /** Several bn-core calls, then the loops that ran them. */
    static final class Calls {
        public static void main(String[] args) throws InterruptedException {
            Shape shape = Shape.of(Layout.NCHW, 4, 3, 5, 5);
            Runnable call = () -> {
                BatchNormalizer bn = new BatchNormalizer(BatchNormConfig.defaults(), Parallelism.threads(2));
                float[] x = new float[shape.size()];
                for (int i = 0; i < x.length; i++) {
                    x[i] = i % 7;
                }
                double[] gamma = {1, 2, 3};
                double[] beta = {0, 1, 2};
                bn.forwardTraining(Values.of(x), shape, gamma, beta, null, Values.of(new float[x.length]));
                bn.forwardTraining(Values.of(x), shape, gamma, beta, null, Values.of(new float[x.length]));
            };
            Thread other = new Thread(call);
            other.start();
            call.run();
            other.join();
            BatchNormalizer.usesVectorApi();
            System.out.println("loops: " + Loops.description());
        }
    }
}
