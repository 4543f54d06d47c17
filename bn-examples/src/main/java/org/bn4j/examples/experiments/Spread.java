package org.bn4j.examples.experiments;

import java.util.Arrays;
import java.util.Locale;

/**
 * Mean and range of one measurement over seeds.
 *
 * @param count how many values
 * @param mean  their mean, NaN when there are none
 * @param min   the smallest, NaN when there are none
 * @param max   the largest, NaN when there are none
 */
public record Spread(int count, double mean, double min, double max) {
    public static Spread of(double... values) {
        if (values.length == 0) {
            return new Spread(0, Double.NaN, Double.NaN, Double.NaN);
        }
        return new Spread(values.length, Arrays.stream(values).average().orElseThrow(),
                Arrays.stream(values).min().orElseThrow(), Arrays.stream(values).max().orElseThrow());
    }

    /**
     * @return for example {@code 5,250 (4,500-6,000)} with the values formatted by {@code format}; the mean alone when
     *         every value is the same; "-" when there are none
     */
    public String format(String format) {
        if (count == 0) {
            return "-";
        }
        String mean = String.format(Locale.ROOT, format, this.mean);
        return min == max ? mean : mean + " (" + String.format(Locale.ROOT, format, min) + "-"
                + String.format(Locale.ROOT, format, max) + ")";
    }
}
