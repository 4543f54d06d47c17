package org.bn4j.keras;

import org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException;

/**
 * A Keras batch normalization setting bn4j's importer refuses. DL4J's exception type, so that callers catch it as
 * they catch DL4J's, without the request to report the case to DL4J that DL4J appends to its own messages.
 */
final class UnsupportedBatchNormException extends UnsupportedKerasConfigurationException {
    private static final long serialVersionUID = 1L;
    private final String message;

    UnsupportedBatchNormException(String message) {
        super(message);
        this.message = message;
    }

    @Override
    public String getMessage() {
        return message;
    }
}
