package org.bn4j.examples;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bn4j.examples.report.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * A bad command line ends with status 2, a first line that names the option, then the usage, and no stack trace; a run
 * that cannot read its data ends with status 1 and one line. Every case runs {@link Bn4j#commandLine()}, as main does.
 */
class CommandLineErrorsTest {
    @TempDir
    Path dir;

    /** What one run printed and returned. */
    private record Outcome(int status, String out, String err) {
        String firstLine() {
            return err.lines().findFirst().orElse("");
        }
    }

    private Outcome run(String args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Bn4j.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        List<String> words = new ArrayList<>();
        for (String word : args.split(" ")) {
            words.add(word.replace("DIR", dir.toString()));
        }
        int status = cli.execute(words.toArray(String[]::new));
        return new Outcome(status, out.toString(), err.toString());
    }

    private static void assertNoStackTrace(String err) {
        assertFalse(err.contains("\tat ") || err.contains("Exception"), "no stack trace: " + err);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            mnist --steps -5                        | Invalid value for option '--steps': -5 is not a whole number of at least 1 | bn4j mnist
            mnist --steps 0                         | Invalid value for option '--steps': 0 is not a whole number of at least 1  | bn4j mnist
            mnist --steps many                      | Invalid value for option '--steps': many is not a whole number of at least 1 | bn4j mnist
            mnist --lr -0.5                         | Invalid value for option '--lr': -0.5 is not a number above 0              | bn4j mnist
            mnist --lr NaN                          | Invalid value for option '--lr': NaN is not a finite number                | bn4j mnist
            inception --l2 -1e-4                    | Invalid value for option '--l2': -1e-4 is not a number of at least 0       | bn4j inception
            inception --image-size 10               | Invalid value for option '--image-size': 10 is not a positive multiple of 4 | bn4j inception
            speed --warmup -1                       | Invalid value for option '--warmup': -1 is not a whole number of at least 0 | bn4j speed
            mnist --frob                            | Unknown option: '--frob'                                                   | bn4j mnist
            --frob mnist                            | Unknown option: '--frob'                                                   | bn4j
            --steps 5 mnist                         | Unknown options: '--steps', '5'                                            | bn4j
            mnist --bn FOO                          | Invalid value for option '--bn': expected one of [BN4J, BUILTIN] (case-sensitive) but was 'FOO' | bn4j mnist
            --bn FOO mnist                          | Invalid value for option '--bn': expected one of [BN4J, BUILTIN] (case-sensitive) but was 'FOO' | bn4j
            mnist --data-dir DIR/missing            | Invalid value for option '--data-dir': DIR/missing does not exist          | bn4j mnist
            --data-dir DIR/missing mnist            | Invalid value for option '--data-dir': DIR/missing does not exist          | bn4j
            speed --bn BUILTIN                      | --bn does not apply to speed, which times both bn4j's BatchNorm and DL4J's BatchNormalization | bn4j speed
            --bn BUILTIN speed                      | --bn does not apply to speed, which times both bn4j's BatchNorm and DL4J's BatchNormalization | bn4j speed
            speed --data-dir DIR --image-size 8     | --image-size does not apply with --data-dir: CIFAR-10's images are 32x32   | bn4j speed
            inception --data-dir DIR --image-size 8 | --image-size applies to generated images only, not with --data-dir (CIFAR-10) | bn4j inception
            --seed 1 --seed 2 mnist                 | option '--seed' (<seed>) should be specified only once                     | bn4j
            mnist --seed 1 --seed 2                 | option '--seed' (<seed>) should be specified only once                     | bn4j mnist
            --data-dir DIR                          | --data-dir names one data set: use it with a subcommand (mnist for MNIST, inception or speed for CIFAR-10) | bn4j
            """)
    void badCommandLineExitsWithTwoAMessageAndTheUsage(String args, String message, String command) {
        Outcome o = run(args);

        assertAll(() -> assertEquals(2, o.status()),
                () -> assertEquals(message.replace("DIR", dir.toString()), o.firstLine()),
                () -> assertTrue(o.err().contains("\nUsage: " + command + " ["),
                        "the usage of " + command + ": " + o.err()),
                () -> assertNoStackTrace(o.err()),
                () -> assertEquals("", o.out()));
    }

    @Test
    void unreadableDataEndsWithStatusOneAndOneLine() throws Exception {
        Files.writeString(dir.resolve("train-images-idx3-ubyte"), "not IDX");
        Files.writeString(dir.resolve("train-labels-idx1-ubyte"), "not IDX");

        Outcome o = run("mnist --data-dir DIR --output-dir DIR --no-progress");

        assertAll(() -> assertEquals(1, o.status()),
                () -> assertEquals(List.of("bn4j: " + dir.resolve("train-images-idx3-ubyte")
                        + ": not an IDX file of unsigned bytes (magic 0x6e6f7420)"), o.err().lines().toList()),
                () -> assertNoStackTrace(o.err()));
    }

    @Test
    void versionPrintsWhatReportsRecord() {
        Outcome o = run("--version");

        assertEquals(0, o.status());
        List<String> lines = o.out().lines().toList();
        Versions v = Versions.current();
        assertAll(() -> assertEquals("bn4j " + v.bn4j() + ", commit " + v.commit(), lines.get(0)),
                () -> assertEquals("DL4J " + v.dl4j() + ", ND4J " + v.nd4j() + " (nd4j-native)", lines.get(1)),
                () -> assertTrue(lines.get(2).endsWith(", Vector API " + v.vectorApiState()), lines.get(2)));
    }

    @Test
    void eachSubcommandPrintsTheSameVersion() {
        String top = run("--version").out();

        for (String command : List.of("mnist", "inception", "speed")) {
            assertEquals(top, run(command + " --version").out(), command);
        }
    }
}
