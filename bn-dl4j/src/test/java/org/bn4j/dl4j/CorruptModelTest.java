package org.bn4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/** Truncated or corrupted model zips, and configuration JSON with bad BN fields, fail clearly; nothing half-loads. */
class CorruptModelTest {
    private static MultiLayerNetwork net;
    private static byte[] zip;
    private static String json;
    private static int updaterStateLost;

    @BeforeAll
    static void savedNetwork() throws Exception {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        net = Networks.multiLayer(InputKind.FEED_FORWARD, new BatchNorm.Builder().name("bn").build(), DataType.FLOAT,
                new Adam(0.05));
        net.fit(InputKind.FEED_FORWARD.features(DataType.FLOAT, 1), InputKind.FEED_FORWARD.labels(DataType.FLOAT, 1));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, out, true);
        zip = out.toByteArray();
        json = net.getLayerWiseConfigurations().toJson();
    }

    /** @return null when the bytes restore to the saved network exactly, else the failure */
    private static Throwable restoreFailure(byte[] bytes) {
        MultiLayerNetwork restored;
        try {
            restored = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes), true);
        } catch (Exception | Error e) {
            return e;
        }
        // Loaded: then it must be the whole network, never a part of it.
        assertEquals(net.getLayerWiseConfigurations(), restored.getLayerWiseConfigurations(),
                "a different configuration loaded");
        assertArrayEquals(net.params().toFloatVector(), restored.params().toFloatVector(),
                "different parameters loaded");
        // DL4J 1.0.0-M2.1 restores the updater state on a best-effort basis: a damaged updaterState.bin is dropped
        // silently (zeros). Reported, not asserted: it is ModelSerializer's, not the layer's.
        if (!Arrays.equals(net.getUpdater().getStateViewArray().toFloatVector(),
                restored.getUpdater().getStateViewArray().toFloatVector())) {
            updaterStateLost++;
        }
        return null;
    }

    @Test
    void everyTruncationFailsToLoad() {
        int failed = 0;
        int cuts = 0;
        for (int cut = 0; cut < zip.length; cut += Math.max(1, zip.length / 40)) {
            cuts++;
            if (restoreFailure(Arrays.copyOf(zip, cut)) != null) {
                failed++;
            }
        }
        System.out.println("CorruptModelTest: " + cuts + " truncations of a " + zip.length + "-byte model, " + failed
                + " rejected, the rest loaded whole (updater state lost so far: " + updaterStateLost + ")");
        assertTrue(failed > cuts / 2, "most truncations should fail: " + failed);
    }

    @Test
    void flippedBytesFailToLoadOrLoadTheWholeNetwork() {
        SplittableRandom random = new SplittableRandom(3);
        int failed = 0;
        int flips = 100;
        for (int k = 0; k < flips; k++) {
            byte[] corrupt = zip.clone();
            int at = random.nextInt(corrupt.length);
            corrupt[at] ^= (byte) (1 << random.nextInt(8));
            if (restoreFailure(corrupt) != null) {
                failed++;
            }
        }
        System.out.println("CorruptModelTest: " + flips + " single-bit flips, " + failed
                + " rejected, the rest loaded whole (updater state lost so far: " + updaterStateLost + ")");
        assertTrue(failed > flips / 2, "most flips should be caught (zip CRC): " + failed);
    }

    private static String withBnField(String field, String value) {
        String anchor = "\"eps\" : 1.0E-5";
        assertTrue(json.contains(anchor), json);
        return json.replace(anchor, anchor + ",\n \"" + field + "\" : " + value);
    }

    private static String withEps(String value) {
        return json.replace("\"eps\" : 1.0E-5", "\"eps\" : " + value);
    }

    private static Throwable loadAndInit(String text) {
        return assertThrows(Exception.class, () -> {
            MultiLayerNetwork restored = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(text));
            restored.init();
        });
    }

    private static String messages(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            b.append(t).append(" / ");
        }
        return b.toString();
    }

    @Test
    void unknownBnFieldIsNamed() {
        Throwable e = loadAndInit(withBnField("epsilon", "0.001"));
        assertTrue(messages(e).contains("unknown field \"epsilon\""), messages(e));
        assertFalse(messages(e).contains("\"null\""), "no layer called null: " + messages(e));
    }

    @Test
    void invalidEpsIsNamed() {
        for (String eps : new String[] {"-1.0", "0.0", "\"NaN\""}) {
            Throwable e = loadAndInit(withEps(eps));
            assertTrue(messages(e).contains("eps must be finite and > 0"), eps + ": " + messages(e));
            assertTrue(messages(e).contains("BatchNorm layer \"bn\""), messages(e));
        }
    }

    @Test
    void invalidDecayIsNamed() {
        Throwable e = loadAndInit(json.replace("\"decay\" : 0.9", "\"decay\" : 1.5"));
        assertTrue(messages(e).contains("decay must be in [0, 1), got 1.5"), messages(e));
    }

    @Test
    void wrongTypeIsNamed() {
        Throwable e = loadAndInit(withEps("\"small\""));
        assertTrue(messages(e).contains("eps"), messages(e));
    }

    @Test
    void unknownPolicyIsNamed() {
        Throwable e = loadAndInit(json.replace("\"nonFinitePolicy\" : \"REJECT\"", "\"nonFinitePolicy\" : \"IGNORE\""));
        assertTrue(messages(e).contains("IGNORE"), messages(e));
    }
}
