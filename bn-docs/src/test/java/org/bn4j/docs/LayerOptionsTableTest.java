package org.bn4j.docs;

import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.bn4j.core.RunningAverage;
import org.bn4j.core.RunningVariance;
import org.bn4j.dl4j.BatchNorm;
import org.junit.jupiter.api.Test;

/**
 * The option table of docs/layer-guide.md against {@link BatchNorm.Builder}: one row per builder option, with the
 * builder's parameter types, and the default the builder actually gives.
 */
class LayerOptionsTableTest {
    /** How each builder option's default reads off a layer built with no option set. */
    private static final Map<String, Function<BatchNorm, Object>> DEFAULT = Map.ofEntries(
            entry("eps", BatchNorm::getEps),
            entry("decay", BatchNorm::getDecay),
            entry("cumulativeAverage", l -> l.getRunningAverage() == RunningAverage.CUMULATIVE),
            entry("unbiasedVariance", l -> l.getRunningVariance() == RunningVariance.UNBIASED),
            entry("lockGammaBeta", BatchNorm::isLockGammaBeta),
            entry("gamma", BatchNorm::getGamma),
            entry("beta", BatchNorm::getBeta),
            entry("nonFinitePolicy", BatchNorm::getNonFinitePolicy),
            entry("dataFormat", BatchNorm::getCnn2DFormat),
            entry("rnnDataFormat", BatchNorm::getRnnFormat),
            entry("cnn3DDataFormat", BatchNorm::getCnn3DFormat),
            entry("renorm", l -> l.isRenorm() ? "on" : "off"),
            entry("renormWarmup", l -> List.of(l.getRenormWarmupSteps(), l.getRenormRampSteps())),
            entry("ghostBatchSize", BatchNorm::getGhostBatchSize),
            entry("frozenStatistics", BatchNorm::isFrozenStatistics),
            entry("frozenGammaBeta", BatchNorm::isFrozenGammaBeta));

    /** @return "name(type, ...)" of every option method BatchNorm.Builder declares, by name */
    private static Map<String, String> builderOptions() {
        Map<String, String> options = new LinkedHashMap<>();
        for (Method m : BatchNorm.Builder.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && !m.isSynthetic() && !m.getName().equals("build")) {
                options.put(m.getName(), m.getName() + "(" + Arrays.stream(m.getParameterTypes())
                        .map(LayerOptionsTableTest::simpleName).collect(Collectors.joining(", ")) + ")");
            }
        }
        return options;
    }

    private static String simpleName(Class<?> type) {
        return type.isPrimitive() ? type.getName()
                : type.getName().substring(type.getPackageName().length() + 1).replace('$', '.');
    }

    /** @return the table's rows: first cell (backticks removed) to second cell */
    private static Map<String, String> tableRows() throws IOException {
        List<String> lines = Files.readAllLines(DocumentationInStepTest.root().resolve("docs/layer-guide.md"));
        int start = lines.indexOf("<!-- options-table -->");
        int end = lines.indexOf("<!-- end options-table -->");
        if (start < 0 || end < start) {
            fail("docs/layer-guide.md has no <!-- options-table --> ... <!-- end options-table --> region");
        }
        Map<String, String> rows = new LinkedHashMap<>();
        for (String line : lines.subList(start + 3, end)) {
            String[] cells = line.split("\\|");
            rows.put(cells[1].trim().replace("`", ""), cells[2].trim());
        }
        return rows;
    }

    @Test
    void everyBuilderOptionHasOneRowWithItsSignature() throws IOException {
        assertEquals(new TreeSet<>(builderOptions().values()), new TreeSet<>(tableRows().keySet()));
        assertEquals(new TreeSet<>(builderOptions().keySet()), new TreeSet<>(DEFAULT.keySet()),
                "this test knows how to read each option's default");
    }

    @Test
    void everyRowGivesTheDefaultTheBuilderGives() throws IOException {
        BatchNorm defaults = new BatchNorm.Builder().build();
        Map<String, String> options = builderOptions();
        for (Map.Entry<String, String> row : tableRows().entrySet()) {
            String name = row.getKey().substring(0, row.getKey().indexOf('('));
            Object expected = DEFAULT.get(name).apply(defaults);
            if (options.containsKey(name)) {
                assertDocuments(expected, row.getValue(), row.getKey());
            }
        }
    }

    private static void assertDocuments(Object expected, String cell, String option) {
        if (expected == null) {
            assertEquals("from the input type", cell, option + ": not set, so taken from the input type");
        } else if (expected instanceof List<?> list) {
            String[] parts = cell.split(",\\s*");
            assertEquals(list.size(), parts.length, option + ": " + cell);
            for (int i = 0; i < parts.length; i++) {
                assertDocuments(list.get(i), parts[i], option);
            }
        } else if (expected instanceof Number number) {
            assertEquals(number.doubleValue(), Double.parseDouble(cell), option + ": documented as " + cell);
        } else {
            assertEquals(String.valueOf(expected), cell, option);
        }
    }
}
