package org.bn4j.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Root attributes read at their stored length, as h5py 2 (fixed-length) and h5py 3 (variable-length) write them. */
class KerasFileAttributesTest {

    @ParameterizedTest
    @ValueSource(strings = {"model_config", "keras_version", "backend"})
    void fixedAndVariableLengthStringsReadAlike(String attribute) throws Exception {
        String fixed = KerasFileAttributes.read(new Fixture("func_conv2d_bn").h5(), attribute);
        String variable = KerasFileAttributes.read(new Fixture("func_conv2d_bn_h5py3").h5(), attribute);
        assertEquals(fixed, variable);
    }

    @Test
    void textIsTheStoredStringWithoutPadding() throws Exception {
        String path = new Fixture("func_conv2d_bn").h5();
        assertEquals("2.4.0", KerasFileAttributes.read(path, "keras_version"));
        assertEquals("tensorflow", KerasFileAttributes.read(path, "backend"));
        String config = KerasFileAttributes.read(path, "model_config");
        assertTrue(config.startsWith("{\"class_name\": \"Functional\"") && config.endsWith("}"), config);
        assertTrue(config.length() > 2048, "longer than the buffer DL4J's reader tries first: " + config.length());
    }

    @Test
    void missingAttributeIsNull() throws Exception {
        assertNull(KerasFileAttributes.read(new Fixture("func_conv2d_bn").h5(), "training_config"));
    }
}
