package org.bn4j.keras;

import static org.bytedeco.hdf5.global.hdf5.H5Aclose;
import static org.bytedeco.hdf5.global.hdf5.H5Aexists;
import static org.bytedeco.hdf5.global.hdf5.H5Aget_type;
import static org.bytedeco.hdf5.global.hdf5.H5Aopen;
import static org.bytedeco.hdf5.global.hdf5.H5Aread;
import static org.bytedeco.hdf5.global.hdf5.H5F_ACC_RDONLY;
import static org.bytedeco.hdf5.global.hdf5.H5Fclose;
import static org.bytedeco.hdf5.global.hdf5.H5Fopen;
import static org.bytedeco.hdf5.global.hdf5.H5P_DEFAULT;
import static org.bytedeco.hdf5.global.hdf5.H5Tclose;
import static org.bytedeco.hdf5.global.hdf5.H5Tget_size;
import static org.bytedeco.hdf5.global.hdf5.H5Tis_variable_str;
import static org.bytedeco.hdf5.global.hdf5.H5free_memory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.deeplearning4j.nn.modelimport.keras.Hdf5Archive;

/**
 * The string attributes at the root of a Keras {@code .h5} file ({@code model_config}, {@code keras_version},
 * {@code backend}, {@code training_config}), read at their stored length, fixed or variable.
 *
 * <p>DL4J 1.0.0-M2.1's {@code Hdf5Archive} reads them into buffers of a guessed size ({@code keras_version} into 5
 * bytes, {@code model_config} first into 2048). With the variable-length strings h5py 3 writes for Keras' byte
 * strings, and a configuration longer than 2048 bytes, a JVM that had imported such a file with DL4J's importer
 * aborted on the next import ({@code free(): invalid size}): the strings appear to be copied whole past those
 * buffers.
 */
final class KerasFileAttributes {
    private KerasFileAttributes() {
    }

    /**
     * @return the attribute's text, or null when the file has no such root attribute
     * @throws IOException when the file cannot be opened as HDF5 or the attribute is not a scalar string
     */
    static String read(String file, String name) throws IOException {
        synchronized (Hdf5Archive.LOCK_OBJECT) {
            long fileId = H5Fopen(file, H5F_ACC_RDONLY(), H5P_DEFAULT());
            if (fileId < 0) {
                throw new IOException("cannot open " + file + " as an HDF5 file");
            }
            try {
                if (H5Aexists(fileId, name) <= 0) {
                    return null;
                }
                long attribute = H5Aopen(fileId, name, H5P_DEFAULT());
                long type = H5Aget_type(attribute);
                try {
                    return H5Tis_variable_str(type) > 0 ? readVariableLength(attribute, type, file, name)
                            : readFixedLength(attribute, type, file, name);
                } finally {
                    H5Tclose(type);
                    H5Aclose(attribute);
                }
            } finally {
                H5Fclose(fileId);
            }
        }
    }

    private static String readVariableLength(long attribute, long type, String file, String name)
            throws IOException {
        try (PointerPointer<BytePointer> text = new PointerPointer<>(1L)) {
            check(H5Aread(attribute, type, text), file, name);
            BytePointer chars = text.get(BytePointer.class, 0);
            try {
                return chars.getString(StandardCharsets.UTF_8);
            } finally {
                H5free_memory(chars);
            }
        }
    }

    private static String readFixedLength(long attribute, long type, String file, String name) throws IOException {
        byte[] text = new byte[Math.toIntExact(H5Tget_size(type))];
        try (BytePointer bytes = new BytePointer(text.length)) {
            check(H5Aread(attribute, type, bytes), file, name);
            bytes.get(text);
        }
        int length = 0;
        while (length < text.length && text[length] != 0) {   // null-padded or null-terminated
            length++;
        }
        return new String(text, 0, length, StandardCharsets.UTF_8);
    }

    private static void check(int status, String file, String name) throws IOException {
        if (status < 0) {
            throw new IOException("cannot read the attribute " + name + " of " + file + " as a string");
        }
    }
}
