package org.bn4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * docs/command-line.md cannot drift from the command line: its reference section is generated from picocli's model
 * of {@link Bn4j}, the same model that parses the options and prints {@code --help}. After changing an option, rerun
 * with {@code -Dbn4j.updateDocs=true} to rewrite the section, and commit the page.
 */
class CommandLineDocTest {
    static final Path PAGE = Path.of("..", "docs", "command-line.md");
    static final String BEGIN = "<!-- reference: written by CommandLineDocTest from the command line itself; do not edit -->\n";
    static final String END = "<!-- end of reference -->\n";

    /** @return the reference: per command, its usage line, description and a table of its options with defaults */
    static String reference() {
        CommandLine top = new CommandLine(new Bn4j());
        StringBuilder md = new StringBuilder();
        section(md, top, "Common options: `bn4j` and every command take them, before or after the command's name.");
        top.getSubcommands().values().forEach(sub -> section(md, sub, "Also takes the common options above."));
        return md.toString();
    }

    private static void section(StringBuilder md, CommandLine cli, String note) {
        CommandSpec spec = cli.getCommandSpec();
        md.append("### `").append(spec.qualifiedName()).append("`\n\n")
                .append("```text\n").append(cli.getHelp().synopsis(0).strip()).append("\n```\n\n")
                .append(String.join(" ", spec.usageMessage().description())).append("\n\n");
        md.append("| Option | Default | Description |\n|---|---|---|\n");
        for (OptionSpec option : spec.options()) {
            if (!option.inherited()) {
                md.append("| `").append(String.join("`, `", option.names()))
                        .append(option.arity().max() > 0 ? "=" + option.paramLabel() : "")
                        .append("` | ").append(defaultOf(option)).append(" | ")
                        .append(String.join(" ", option.description()).replace("|", "\\|"))
                        .append(" |\n");
            }
        }
        md.append('\n').append(note).append("\n\n");
    }

    private static String defaultOf(OptionSpec option) {
        if (option.usageHelp() || option.versionHelp()
                || (option.arity().max() == 0 && "false".equals(option.defaultValue()))) {
            return "off";
        }
        return option.defaultValue() == null ? "none" : "`" + option.defaultValue() + "`";
    }

    @Test
    void pageShowsTheReferenceAsTheCommandLineDefinesIt() throws IOException {
        String page = Files.readString(PAGE, StandardCharsets.UTF_8);
        int begin = page.indexOf(BEGIN);
        int end = page.indexOf(END);
        assertTrue(begin >= 0 && end > begin,
                PAGE + " has a generated section between " + BEGIN.strip() + " and " + END.strip());
        String expected = page.substring(0, begin + BEGIN.length()) + reference() + page.substring(end);
        if (Boolean.getBoolean("bn4j.updateDocs")) {
            Files.writeString(PAGE, expected, StandardCharsets.UTF_8);
        }

        assertEquals(expected, page,
                PAGE + " is out of date: rerun this test with -Dbn4j.updateDocs=true and commit the page");
    }

    @Test
    void referenceHasARowForEveryOptionOfEveryCommandWithItsDefault() {
        String reference = reference();
        CommandLine top = new CommandLine(new Bn4j());
        List<CommandLine> commands = new ArrayList<>(List.of(top));
        commands.addAll(top.getSubcommands().values());

        for (CommandLine cli : commands) {
            for (OptionSpec option : cli.getCommandSpec().options()) {
                String name = "`" + option.longestName() + (option.arity().max() > 0 ? "=" + option.paramLabel() : "")
                        + "` | ";
                String row = option.defaultValue() == null || option.arity().max() == 0 ? name
                        : name + "`" + option.defaultValue() + "` |";
                assertTrue(reference.contains(row), cli.getCommandName() + ": " + row);
            }
        }
    }
}
