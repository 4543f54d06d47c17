package org.bn4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The full command refuses what it cannot run before it reads any data. */
class FullCommandTest {
    private static int run(StringWriter err, String... args) {
        return Bn4j.commandLine().setErr(new PrintWriter(err)).execute(args);
    }

    @Test
    void aZeroPatienceIsRefusedWithStatusTwo(@TempDir Path out) {
        StringWriter err = new StringWriter();

        assertEquals(2, run(err, "full", "--patience", "0", "--output-dir", out.toString()));
        assertTrue(err.toString().contains("--patience"), err.toString());
    }

    @Test
    void aDataDirectoryWithoutFashionMnistEndsWithStatusOneNamingTheMissingFile(@TempDir Path out) throws Exception {
        Path empty = Files.createDirectories(out.resolve("empty"));
        StringWriter err = new StringWriter();

        assertEquals(1, run(err, "full", "--data-dir", empty.toString(), "--output-dir", out.toString()));
        assertTrue(err.toString().contains("has no train-images-idx3-ubyte"), err.toString());
    }
}
