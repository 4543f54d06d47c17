package org.bn4j.examples.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Builds a Markdown report: headings, paragraphs, tables and images, written to one file. */
public final class MarkdownReport {
    private final StringBuilder text = new StringBuilder();

    /** @return a fraction in [0, 1] as a percentage with two decimals, for example {@code 93.15%} */
    public static String percent(double fraction) {
        return String.format(java.util.Locale.ROOT, "%.2f%%", 100 * fraction);
    }

    /**
     * Marks the page as a program's own report, as its first line: the documentation check then accepts the
     * measurements it states (see bn-docs' MarkdownChecker).
     */
    public MarkdownReport writtenBy(String program) {
        text.append("<!-- written by ").append(program).append("; every number is read from its run -->\n");
        return this;
    }

    public MarkdownReport heading(int level, String title) {
        text.append("#".repeat(level)).append(' ').append(title).append("\n\n");
        return this;
    }

    public MarkdownReport paragraph(String paragraph) {
        text.append(paragraph).append("\n\n");
        return this;
    }

    public MarkdownReport table(List<String> header, List<List<String>> rows) {
        text.append("| ").append(String.join(" | ", header)).append(" |\n|");
        header.forEach(h -> text.append("---|"));
        text.append('\n');
        for (List<String> row : rows) {
            text.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        text.append('\n');
        return this;
    }

    public MarkdownReport keyValues(Map<String, String> values) {
        values.forEach((k, v) -> text.append("- ").append(k).append(": ").append(v).append('\n'));
        text.append('\n');
        return this;
    }

    /** @param file relative to the report */
    public MarkdownReport image(String alt, String file) {
        text.append("![").append(alt).append("](").append(file).append(")\n\n");
        return this;
    }

    public MarkdownReport append(MarkdownReport other) {
        text.append(other.text);
        return this;
    }

    public void write(Path file) throws IOException {
        Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
