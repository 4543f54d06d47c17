package org.bn4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExactSumTest {
    /** Terms over 40 orders of magnitude, both signs, with large terms that cancel: hard for any running sum. */
    private static List<Double> illConditioned(long seed) {
        Random random = new Random(seed);
        List<Double> terms = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            double term = (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(40) - 20);
            terms.add(term);
            if (i % 10 == 0) {
                terms.add(1e18 * (i + 1));
                terms.add(-1e18 * (i + 1));
            }
        }
        Collections.shuffle(terms, random);
        return terms;
    }

    /** The exact sum, rounded once to the nearest double (BigDecimal's doubleValue rounds correctly). */
    private static double reference(List<Double> terms) {
        BigDecimal sum = BigDecimal.ZERO;
        for (double term : terms) {
            sum = sum.add(new BigDecimal(term));
        }
        return sum.doubleValue();
    }

    private static ExactSum sumOf(List<Double> terms) {
        ExactSum sum = new ExactSum();
        terms.forEach(sum::add);
        return sum;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void valueIsTheExactSumRoundedOnce(long seed) {
        List<Double> terms = illConditioned(seed);

        assertEquals(reference(terms), sumOf(terms).value());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void orderAndGroupingDoNotChangeOneBit(long seed) {
        List<Double> terms = illConditioned(seed);
        double whole = sumOf(terms).value();
        List<Double> shuffled = new ArrayList<>(terms);
        Collections.shuffle(shuffled, new Random(seed + 100));
        ExactSum merged = new ExactSum();
        for (int from = 0; from < shuffled.size(); from += 37) {
            merged.add(sumOf(shuffled.subList(from, Math.min(from + 37, shuffled.size()))));
        }

        assertEquals(whole, sumOf(shuffled).value());
        assertEquals(whole, merged.value());
    }

    @Test
    void tiesRoundToEvenAcrossSeveralPartials() {
        // 1e16 + 1 is a tie between 1e16 and 1e16 + 2; the 1e-16 breaks it upwards (Python's fsum example)
        assertEquals(1e16 + 2, sumOf(List.of(1e-16, 1.0, 1e16)).value());
        assertEquals(1e16, sumOf(List.of(1.0, 1e16)).value());
    }

    @Test
    void productsAreAddedExactly() {
        Random random = new Random(7);
        ExactSum sum = new ExactSum();
        BigDecimal exact = BigDecimal.ZERO;
        for (int i = 0; i < 100; i++) {
            double count = 1 + random.nextInt(1000);
            double mean = (random.nextDouble() - 0.5) * 1e4;
            sum.addProduct(count, mean);
            exact = exact.add(new BigDecimal(count).multiply(new BigDecimal(mean)));
        }

        assertEquals(exact.doubleValue(), sum.value());
    }

    @Test
    void anEmptySumIsZero() {
        assertEquals(0.0, new ExactSum().value());
        ExactSum cancelled = sumOf(List.of(1e300, -1e300));
        assertEquals(0.0, cancelled.value());
    }
}
