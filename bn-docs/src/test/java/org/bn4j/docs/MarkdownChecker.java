package org.bn4j.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Checks a Markdown page against the files it quotes, so that documentation cannot drift from code.
 *
 * <ul>
 *   <li>A fenced code block preceded by {@code <!-- snippet: path/to/File.java#name -->} (blank lines between are
 *       allowed) must equal the region of that file between the lines holding {@code tag::name[]} and
 *       {@code end::name[]}, less their common indentation. Lines inside the region that hold other tag markers are
 *       left out. Any language may carry a marker; a {@code java} block must.</li>
 *   <li>The lines between {@code <!-- generated: path -->} and {@code <!-- end generated -->} must equal that file:
 *       measured numbers are pasted from the file their measuring run wrote, never retyped.</li>
 *   <li>Outside code blocks, inline code and generated regions, a page states no measured time or speed-up: a number
 *       followed by a time unit ({@code 4.83 ms}, {@code 20 minutes}) or a ratio such as {@code 1.19x} is refused.
 *       Two exceptions: the paragraph right after {@code <!-- quoted: path -->} may state such numbers when each one
 *       appears verbatim in that file (a run's output), and a page whose first line is {@code <!-- written by ... -->}
 *       is a program's own report of what it measured.</li>
 *   <li>In a quoted paragraph, every other number with a decimal point, a percent sign or thousands separators
 *       ({@code 83.85%}, {@code 2,417}) must appear verbatim in the quoted file too.</li>
 * </ul>
 *
 * Paths are relative to the repository root. Trailing whitespace is ignored everywhere. Markers and fences indented by
 * four spaces or more are an indented code block's text, as in Markdown, so a page can show a marker as an example.
 */
final class MarkdownChecker {
    private static final Pattern SNIPPET = Pattern.compile("^ {0,3}<!--\\s*snippet:\\s*(\\S+?)#(\\S+?)\\s*-->\\s*$");
    private static final Pattern GENERATED = Pattern.compile("^ {0,3}<!--\\s*generated:\\s*(\\S+?)\\s*-->\\s*$");
    private static final Pattern END_GENERATED = Pattern.compile("^\\s*<!--\\s*end generated\\s*-->\\s*$");
    private static final Pattern MEASURED = Pattern.compile(
            "(?<![\\w.])\\d+(?:[.,]\\d+)*\\s?(?:ms|s|sec|seconds?|min|minutes?|h|hours?)\\b|(?<![\\w.])\\d+\\.\\d+x\\b");
    private static final Pattern RESULT = Pattern.compile(
            "(?<![\\w.,])\\d+(?:,\\d{3})*(?:\\.\\d+)?%|(?<![\\w.,])\\d+(?:,\\d{3})*\\.\\d+|(?<![\\w.,])\\d{1,3}(?:,\\d{3})+");
    private static final Pattern QUOTED = Pattern.compile("^ {0,3}<!--\\s*quoted:\\s*(\\S+?)\\s*-->\\s*$");
    private static final Pattern WRITTEN_BY = Pattern.compile("^<!--\\s*written by\\s.*-->\\s*$");
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(```+|~~~+)\\s*([\\w+-]*).*$");

    private final Path root;
    private int snippetsChecked;
    private int generatedChecked;

    /** @param root the repository root, which marker paths are relative to */
    MarkdownChecker(Path root) {
        this.root = root;
    }

    /** @return README.md, CONTRIBUTING.md and every Markdown page under docs/, relative to the root */
    List<Path> pages() {
        List<Path> pages = new ArrayList<>();
        for (String top : List.of("README.md", "CONTRIBUTING.md")) {
            if (Files.exists(root.resolve(top))) {
                pages.add(Path.of(top));
            }
        }
        Path docs = root.resolve("docs");
        if (Files.isDirectory(docs)) {
            try (Stream<Path> walk = Files.walk(docs)) {
                walk.filter(p -> p.toString().endsWith(".md")).sorted().map(root::relativize).forEach(pages::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return pages;
    }

    /** @return one line per problem, each starting with {@code page:line}; empty when the page is in step */
    List<String> check(Path page) {
        List<String> lines = read(root.resolve(page));
        List<String> problems = new ArrayList<>();
        String pendingMarker = null;
        int markerLine = 0;
        boolean programOutput = !lines.isEmpty() && WRITTEN_BY.matcher(lines.get(0)).matches();
        String quotedPath = null;
        String quotedText = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String where = page + ":" + (i + 1);
            if (line.isBlank()) {
                quotedPath = null;
                quotedText = null;
            }
            Matcher quoted = QUOTED.matcher(line);
            if (quoted.matches()) {
                quotedPath = quoted.group(1);
                List<String> source = generatedFile(quotedPath, where, problems);
                quotedText = source == null ? "" : String.join("\n", source);
                continue;
            }
            if (quotedText != null) {
                Matcher result = RESULT.matcher(withoutInlineCode(line));
                while (result.find()) {
                    if (!quotedText.contains(result.group())) {
                        problems.add(
                                where + ": \"" + result.group() + "\" is not in " + quotedPath + ", which it quotes");
                    }
                }
            }
            Matcher snippet = SNIPPET.matcher(line);
            Matcher generated = GENERATED.matcher(line);
            Matcher fence = FENCE.matcher(line);
            if (snippet.matches()) {
                if (pendingMarker != null) {
                    problems.add(page + ":" + markerLine + ": snippet marker is not followed by a code block");
                }
                pendingMarker = snippet.group(1) + "#" + snippet.group(2);
                markerLine = i + 1;
            } else if (generated.matches()) {
                int end = i + 1;
                while (end < lines.size() && !END_GENERATED.matcher(lines.get(end)).matches()) {
                    end++;
                }
                if (end == lines.size()) {
                    problems.add(where + ": <!-- generated: ... --> has no <!-- end generated -->");
                    break;
                }
                generatedChecked++;
                compare(where, lines.subList(i + 1, end), generatedFile(generated.group(1), where, problems), problems);
                i = end;
            } else if (fence.matches()) {
                int end = i + 1;
                while (end < lines.size() && !lines.get(end).trim().startsWith(fence.group(1))) {
                    end++;
                }
                List<String> block = lines.subList(i + 1, Math.min(end, lines.size()));
                if (pendingMarker != null) {
                    snippetsChecked++;
                    compare(where, block, region(pendingMarker, where, problems), problems);
                } else if (fence.group(2).equals("java")) {
                    problems.add(where + ": java code block without a <!-- snippet: path#tag --> marker before it");
                }
                pendingMarker = null;
                i = end;
            } else if (!programOutput && MEASURED.matcher(withoutInlineCode(line)).find()) {
                Matcher m = MEASURED.matcher(withoutInlineCode(line));
                while (m.find()) {
                    if (quotedText == null) {
                        problems.add(where + ": \"" + m.group() + "\" looks measured; paste it from a generated file "
                                + "(<!-- generated: path -->) or link to that file");
                        break;
                    }
                    if (!quotedText.contains(m.group())) {
                        problems.add(where + ": \"" + m.group() + "\" is not in " + quotedPath + ", which it quotes");
                    }
                }
                if (pendingMarker != null && !line.isBlank()) {
                    problems.add(page + ":" + markerLine + ": snippet marker is not followed by a code block");
                    pendingMarker = null;
                }
            } else if (pendingMarker != null && !line.isBlank()) {
                problems.add(page + ":" + markerLine + ": snippet marker is not followed by a code block");
                pendingMarker = null;
            }
        }
        if (pendingMarker != null) {
            problems.add(page + ":" + markerLine + ": snippet marker is not followed by a code block");
        }
        return problems;
    }

    /** Inline code ({@code `...`}) is quoted text, such as an example of what not to write. */
    private static String withoutInlineCode(String line) {
        return line.replaceAll("`[^`]*`", "``");
    }

    /** @return how many snippet blocks {@link #check} has compared so far */
    int snippetsChecked() {
        return snippetsChecked;
    }

    /** @return how many generated regions {@link #check} has compared so far */
    int generatedChecked() {
        return generatedChecked;
    }

    /** @return the lines of {@code path#tag}'s region, dedented, or null after adding a problem */
    private List<String> region(String marker, String where, List<String> problems) {
        int hash = marker.lastIndexOf('#');
        Path file = root.resolve(marker.substring(0, hash));
        String tag = marker.substring(hash + 1);
        if (!Files.isRegularFile(file)) {
            problems.add(where + ": snippet source " + marker.substring(0, hash) + " does not exist");
            return null;
        }
        List<String> lines = read(file);
        String start = "tag::" + tag + "[]";
        String stop = "end::" + tag + "[]";
        List<String> region = null;
        for (String line : lines) {
            if (region == null) {
                if (line.contains(start)) {
                    region = new ArrayList<>();
                }
            } else if (line.contains(stop)) {
                return dedent(region);
            } else if (!line.contains("tag::") && !line.contains("end::")) {
                region.add(line);
            }
        }
        problems.add(where + ": " + marker + ": no region between " + start + " and " + stop);
        return null;
    }

    private List<String> generatedFile(String path, String where, List<String> problems) {
        Path file = root.resolve(path);
        if (!Files.isRegularFile(file)) {
            problems.add(where + ": generated file " + path + " does not exist");
            return null;
        }
        return read(file);
    }

    private static void compare(String where, List<String> doc, List<String> source, List<String> problems) {
        if (source == null) {
            return;
        }
        List<String> a = trimmed(doc);
        List<String> b = trimmed(source);
        for (int k = 0; k < Math.max(a.size(), b.size()); k++) {
            String inDoc = k < a.size() ? a.get(k) : "(nothing)";
            String inSource = k < b.size() ? b.get(k) : "(nothing)";
            if (!inDoc.equals(inSource)) {
                problems.add(where + ": line " + (k + 1) + " of the block differs from its source:\n  doc:    "
                        + inDoc + "\n  source: " + inSource);
                return;
            }
        }
    }

    /** Trailing whitespace and trailing blank lines do not count. */
    private static List<String> trimmed(List<String> lines) {
        List<String> out = lines.stream().map(String::stripTrailing).collect(Collectors.toCollection(ArrayList::new));
        while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    private static List<String> dedent(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).collect(Collectors.toList());
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
