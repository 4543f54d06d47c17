package org.bn4j.examples.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Comma-separated tables: a header line, then one line per row, numbers in the ROOT locale. */
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

    /**
     * Reads a file this class wrote whose cells hold no commas or quotes (numbers, plain names).
     *
     * @param header the columns the file must start with
     * @return its rows, header excluded
     */
    public static List<List<String>> read(Path file, List<String> header) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(String.join(",", header))) {
            throw new IOException(file + ": expected the header " + String.join(",", header)
                    + (lines.isEmpty() ? " but the file is empty" : " but found " + lines.get(0)));
        }
        List<List<String>> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            List<String> row = List.of(lines.get(i).split(",", -1));
            if (row.size() != header.size()) {
                throw new IOException(
                        file + ": line " + (i + 1) + " has " + row.size() + " cells, not " + header.size());
            }
            rows.add(row);
        }
        return rows;
    }

    private static String cell(Object value) {
        if (value instanceof Double || value instanceof Float) {
            return String.format(Locale.ROOT, "%.6g", ((Number) value).doubleValue());
        }
        String text = String.valueOf(value);
        return text.contains(",") || text.contains("\"") ? '"' + text.replace("\"", "\"\"") + '"' : text;
    }
}
