package org.bn4j.examples.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Writes comma-separated tables: a header line, then one line per row, numbers in the ROOT locale. */
public final class Csv {
    private Csv() {
    }

    public static void write(Path file, List<String> header, List<List<Object>> rows) throws IOException {
        StringBuilder out = new StringBuilder(String.join(",", header)).append('\n');
        for (List<Object> row : rows) {
            out.append(row.stream().map(Csv::cell).collect(Collectors.joining(","))).append('\n');
        }
        Files.writeString(file, out.toString(), StandardCharsets.UTF_8);
    }

    private static String cell(Object value) {
        if (value instanceof Double || value instanceof Float) {
            return String.format(Locale.ROOT, "%.6g", ((Number) value).doubleValue());
        }
        String text = String.valueOf(value);
        return text.contains(",") || text.contains("\"") ? '"' + text.replace("\"", "\"\"") + '"' : text;
    }
}
