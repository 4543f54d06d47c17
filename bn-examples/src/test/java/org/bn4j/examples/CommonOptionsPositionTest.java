package org.bn4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/**
 * Issue 17: each common option takes effect whether it stands before or after the subcommand's name, and given on both
 * sides, the one after the name wins. Every run trains the MNIST networks for a few steps on a tiny data set.
 */
@Tag("slow")
class CommonOptionsPositionTest {
    /** Where the option under test stands. */
    enum Position {
        BEFORE, AFTER;

        /** @return the command line with {@code option} on this side of {@code mnist}, and {@code rest} after it */
        List<String> args(List<String> option, List<String> rest) {
            List<String> args = new ArrayList<>();
            if (this == BEFORE) {
                args.addAll(option);
            }
            args.add("mnist");
            if (this == AFTER) {
                args.addAll(option);
            }
            args.addAll(rest);
            return args;
        }
    }

    @TempDir
    static Path tinyMnist;

    @TempDir
    Path out;

    @BeforeAll
    static void writeTinyMnist() throws IOException {
        TinyMnist.write(tinyMnist);
    }

    /** The options every run takes after {@code mnist}, except the one under test: tiny, silent, in {@link #out}. */
    private List<String> rest(String... except) {
        List<String> rest = new ArrayList<>(List.of("--steps", "4", "--eval-every", "2"));
        List<String> skip = List.of(except);
        if (!skip.contains("--data-dir")) {
            rest.addAll(List.of("--data-dir", tinyMnist.toString()));
        }
        if (!skip.contains("--output-dir")) {
            rest.addAll(List.of("--output-dir", out.toString()));
        }
        if (!skip.contains("--no-progress")) {
            rest.add("--no-progress");
        }
        return rest;
    }

    private static int run(List<String> args) {
        return new CommandLine(new Bn4j()).execute(args.toArray(String[]::new));
    }

    private String report() throws IOException {
        return Files.readString(out.resolve("report.md"));
    }

    /** Runs {@code args} and returns what went to standard error, where progress bars are drawn. */
    private static String standardError(List<String> args) {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(new TeeStream(err, original), true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, run(args));
        } finally {
            System.setErr(original);
        }
        return err.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @EnumSource(Position.class)
    void seedIsTheOneGiven(Position position) throws IOException {
        assertEquals(0, run(position.args(List.of("--seed", "7"), rest())));

        assertTrue(report().contains("\n- seed: 7\n"), report());
    }

    @ParameterizedTest
    @EnumSource(Position.class)
    void outputLandsInTheGivenDirectory(Position position) throws IOException {
        Path given = out.resolve("given");

        assertEquals(0, run(position.args(List.of("--output-dir", given.toString()), rest("--output-dir"))));

        assertTrue(Files.isRegularFile(given.resolve("report.md")), "report in " + given);
        assertTrue(Files.isRegularFile(given.resolve("mnist-accuracy.csv")), "CSV in " + given);
    }

    @ParameterizedTest
    @EnumSource(Position.class)
    void reportNamesTheGivenData(Position position) throws IOException {
        assertEquals(0, run(position.args(List.of("--data-dir", tinyMnist.toString()), rest("--data-dir"))));

        assertTrue(report().contains("Data: MNIST from " + tinyMnist + "."), report());
        assertTrue(report().contains("\n- data: " + tinyMnist + "\n"), report());
    }

    @ParameterizedTest
    @EnumSource(Position.class)
    void bnIsTheOneGiven(Position position) throws IOException {
        assertEquals(0, run(position.args(List.of("--bn", "BUILTIN"), rest())));

        assertTrue(report().contains("\n- BN implementation: BUILTIN\n"), report());
    }

    @Test
    void progressBarsAreDrawnByDefault() {
        String err = standardError(Position.AFTER.args(List.of(), rest("--no-progress")));

        assertTrue(err.contains("with BN"), "a bar named after the network: " + err);
    }

    @ParameterizedTest
    @EnumSource(Position.class)
    void noProgressDrawsNoBars(Position position) {
        String err = standardError(position.args(List.of("--no-progress"), rest("--no-progress")));

        assertFalse(err.contains("with BN"), err);
    }

    @Test
    void givenOnBothSidesTheOneAfterTheSubcommandWins() throws IOException {
        assertEquals(0, run(List.of("--seed", "7", "--bn", "BUILTIN", "mnist", "--seed", "8", "--bn", "BN4J",
                "--steps", "4", "--eval-every", "2", "--data-dir", tinyMnist.toString(), "--output-dir", out.toString(),
                "--no-progress")));

        assertTrue(report().contains("\n- seed: 8\n"), report());
        assertTrue(report().contains("\n- BN implementation: BN4J\n"), report());
    }

    @Test
    void noProgressGivenOnBothSidesStillDrawsNoBars() {
        String err = standardError(
                List.of("--no-progress", "mnist", "--no-progress", "--steps", "4", "--eval-every", "2",
                        "--data-dir", tinyMnist.toString(), "--output-dir", out.toString()));

        assertFalse(err.contains("with BN"), err);
    }

    @Test
    void allCommonOptionsBeforeOrAfterTheSubcommandGiveTheSameResults() throws IOException {
        List<String> common = List.of("--seed", "7", "--bn", "BUILTIN", "--data-dir", tinyMnist.toString(),
                "--no-progress");
        List<String> tiny = List.of("--steps", "4", "--eval-every", "2");
        Path before = out.resolve("before");
        Path after = out.resolve("after");
        List<String> first = new ArrayList<>(common);
        first.addAll(List.of("--output-dir", before.toString(), "mnist"));
        first.addAll(tiny);
        List<String> second = new ArrayList<>(List.of("mnist"));
        second.addAll(common);
        second.addAll(List.of("--output-dir", after.toString()));
        second.addAll(tiny);

        assertEquals(0, run(first));
        assertEquals(0, run(second));

        for (String csv : List.of("mnist-accuracy.csv", "mnist-sigmoid-input.csv")) {
            assertEquals(Files.readAllLines(before.resolve(csv)), Files.readAllLines(after.resolve(csv)), csv);
        }
        assertEquals(withoutTimes(before.resolve("report.md")), withoutTimes(after.resolve("report.md")));
    }

    /** @return the report's lines without those that hold a clock time or a duration */
    private static List<String> withoutTimes(Path report) throws IOException {
        return Files.readAllLines(report).stream()
                .filter(line -> !line.startsWith("- started: ") && !line.startsWith("Total time: "))
                .map(line -> line.replaceAll("\\| [0-9.]+ \\|$", "| (time) |"))
                .toList();
    }

    /** Copies what a test captures to the original stream too, so that a failing run still shows its output. */
    private static final class TeeStream extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        TeeStream(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }
    }
}
