package org.bn4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The float and double code that is still written twice, because Java generics do not reach primitive arrays (the
 * storage and the kernels are generated from their float twins at build time: see bn-core's pom); these twins must
 * differ by the element type only. Each pair is compared as source text after {@code float} becomes
 * {@code double} and {@code Float} becomes {@code Double}, line comments left out, so a formula changed in one twin
 * and not the other fails here.
 */
class FloatDoubleTwinsTest {
    private static final Path SOURCES = Path.of("src/main/java/org/bn4j/core");
    private static final Pattern METHOD = Pattern.compile("\\n    (?:public |static |private )*[\\w<>\\[\\]]+ (\\w+)\\(([^)]*)\\) \\{");

    @Test
    void everyFloatLoopOfScalarLoopsIsItsDoubleLoopWithFloats() throws IOException {
        Map<String, String> floatLoops = new LinkedHashMap<>();
        Map<String, String> doubleLoops = new LinkedHashMap<>();
        String source = read("loops/ScalarLoops.java");
        Matcher m = METHOD.matcher(source);
        while (m.find()) {
            String parameters = m.group(2);
            String body = block(source.substring(m.start()), m.group(1) + "(");
            if (parameters.contains("float[]")) {
                floatLoops.put(m.group(1) + "(" + asDouble(parameters) + ")", body);
            } else if (parameters.contains("double[]")) {
                doubleLoops.put(m.group(1) + "(" + parameters + ")", body);
            }
        }
        assertFalse(floatLoops.isEmpty(), "found no float loops in ScalarLoops.java");
        for (Map.Entry<String, String> loop : floatLoops.entrySet()) {
            String twin = doubleLoops.get(loop.getKey());
            assertTwins("ScalarLoops." + loop.getKey(), loop.getValue(), twin == null ? "(no double twin)" : twin);
        }
    }

    private static void assertTwins(String what, String floatCode, String doubleCode) {
        assertEquals(code(doubleCode), code(asDouble(floatCode)), what + " differ by more than the element type");
    }

    private static String asDouble(String floatCode) {
        return floatCode.replace("float", "double").replace("Float", "Double");
    }

    /** @return the lines of {@code source} without line comments, Javadoc or blank lines */
    private static List<String> code(String source) {
        List<String> lines = new ArrayList<>();
        boolean inComment = false;
        for (String line : source.split("\n")) {
            String t = line.strip();
            if (t.startsWith("/*")) {
                inComment = true;
            }
            if (!inComment) {
                int comment = t.indexOf("//");
                t = (comment >= 0 ? t.substring(0, comment) : t).strip();
                if (!t.isEmpty()) {
                    lines.add(t);
                }
            }
            if (t.endsWith("*/") || line.strip().endsWith("*/")) {
                inComment = false;
            }
        }
        return lines;
    }

    /** @return the braces-delimited block that follows the first occurrence of {@code header} */
    private static String block(String source, String header) {
        int start = source.indexOf('{', source.indexOf(header));
        int depth = 0;
        for (int i = start; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return source.substring(start, i + 1);
            }
        }
        throw new IllegalStateException("unbalanced braces after " + header);
    }

    private static String read(String file) throws IOException {
        return Files.readString(SOURCES.resolve(file), StandardCharsets.UTF_8);
    }
}
