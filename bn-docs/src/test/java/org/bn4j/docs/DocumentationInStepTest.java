package org.bn4j.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every page of this repository against the sources it quotes (see {@link MarkdownChecker} and CONTRIBUTING.md): a
 * snippet that no longer matches its tagged region, a java block without a marker, or a generated table retyped by
 * hand fails here.
 */
class DocumentationInStepTest {
    static Path root() {
        return Path.of(System.getProperty("bn4j.root", "..")).toAbsolutePath().normalize();
    }

    @Test
    void everyPageMatchesTheSourcesItQuotes() {
        MarkdownChecker checker = new MarkdownChecker(root());
        List<Path> pages = checker.pages();
        List<String> problems = new ArrayList<>();
        for (Path page : pages) {
            problems.addAll(checker.check(page));
        }

        assertTrue(pages.contains(Path.of("README.md")), "pages found: " + pages);
        assertEquals("", String.join("\n", problems), problems.size() + " problem(s) in " + pages);
        assertTrue(checker.snippetsChecked() >= 10, "only " + checker.snippetsChecked() + " snippets checked");
    }
}
