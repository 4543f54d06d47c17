package org.bn4j.examples.data;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX format of the MNIST files: a big-endian header ({@code 0x0000 08 dims}, then one 32-bit size per
 * dimension) followed by unsigned bytes. Gzipped files are recognized by their magic bytes. Anything truncated,
 * corrupt or of the wrong kind fails with a message that names the file and the problem.
 */
public final class Idx {
    /** The values and dimensions of one IDX file. */
    public record Tensor(int[] dims, byte[] values) {
    }

    private Idx() {
    }

    /**
     * @param in            the file's bytes, gzipped or not; read to the end, not closed
     * @param name          names the file in error messages
     * @param expectedRank  3 for images, 1 for labels
     */
    public static Tensor read(InputStream in, String name, int expectedRank) throws IOException {
        byte[] bytes = readAll(in, name);
        if (bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
            try (GZIPInputStream gz = new GZIPInputStream(new java.io.ByteArrayInputStream(bytes))) {
                bytes = readAll(gz, name);
            } catch (EOFException e) {
                throw new IOException(name + ": the gzip stream is truncated", e);
            } catch (java.util.zip.ZipException e) {
                throw new IOException(name + ": corrupt gzip data (" + e.getMessage() + ")", e);
            }
        }
        if (bytes.length < 4) {
            throw new IOException(name + ": " + bytes.length + " bytes is too short for an IDX header");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        int magic = buffer.getInt();
        if ((magic >>> 16) != 0 || ((magic >>> 8) & 0xff) != 0x08) {
            throw new IOException(
                    name + ": not an IDX file of unsigned bytes (magic 0x" + Integer.toHexString(magic) + ")");
        }
        int rank = magic & 0xff;
        if (rank != expectedRank) {
            throw new IOException(name + ": expected " + expectedRank + " dimensions but the header says " + rank);
        }
        if (bytes.length < 4 + 4 * rank) {
            throw new IOException(name + ": the header is truncated");
        }
        int[] dims = new int[rank];
        long count = 1;
        for (int d = 0; d < rank; d++) {
            dims[d] = buffer.getInt();
            if (dims[d] < 0) {
                throw new IOException(name + ": negative dimension " + dims[d]);
            }
            count *= dims[d];
        }
        long available = bytes.length - 4L - 4L * rank;
        if (available != count) {
            throw new IOException(name + ": the header promises " + count + " values but the file holds " + available
                    + (available < count ? " (truncated)" : " (trailing bytes)"));
        }
        byte[] values = new byte[(int) count];
        buffer.get(values);
        return new Tensor(dims, values);
    }

    private static byte[] readAll(InputStream in, String name) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }
}
