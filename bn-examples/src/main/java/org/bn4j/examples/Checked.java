package org.bn4j.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Option values checked while the command line is parsed, before any work starts: on a bad value picocli prints
 * "Invalid value for option '--steps': -5 is not a whole number of at least 1" and the usage, and exits with status 2.
 * Use one as an option's {@code converter}.
 */
final class Checked {
    private Checked() {
    }

    /** A whole number of at least 1. */
    static final class PositiveInt implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return wholeNumber(value, 1, 1);
        }
    }

    /** A whole number of at least 0. */
    static final class NonNegativeInt implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return wholeNumber(value, 0, 1);
        }
    }

    /** A positive multiple of 4: an image side that survives two 2x2 poolings. */
    static final class PositiveMultipleOfFour implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return wholeNumber(value, 4, 4);
        }
    }

    /** A finite number above 0. */
    static final class PositiveDouble implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            return number(value, false);
        }
    }

    /** A finite number of at least 0. */
    static final class NonNegativeDouble implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            return number(value, true);
        }
    }

    /** A directory that exists. */
    static final class ExistingDirectory implements ITypeConverter<Path> {
        @Override
        public Path convert(String value) {
            Path dir = Path.of(value);
            if (!Files.isDirectory(dir)) {
                throw new TypeConversionException(
                        value + (Files.exists(dir) ? " is not a directory" : " does not exist"));
            }
            return dir;
        }
    }

    /** @return {@code value} as an int of at least {@code min} that {@code multipleOf} divides */
    private static int wholeNumber(String value, int min, int multipleOf) {
        String expected = multipleOf == 1 ? "a whole number of at least " + min
                : "a positive multiple of " + multipleOf;
        int n;
        try {
            n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            n = Integer.MIN_VALUE; // below every min
        }
        if (n < min || n % multipleOf != 0) {
            throw new TypeConversionException(value + " is not " + expected);
        }
        return n;
    }

    /** @return {@code value} as a finite double above 0, or of at least 0 if {@code zeroAllowed} */
    private static double number(String value, boolean zeroAllowed) {
        double d;
        try {
            d = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            d = Double.NaN;
        }
        if (!Double.isFinite(d)) {
            throw new TypeConversionException(value + " is not a finite number");
        }
        if (d < 0 || d == 0 && !zeroAllowed) {
            throw new TypeConversionException(
                    value + (zeroAllowed ? " is not a number of at least 0" : " is not a number above 0"));
        }
        return d;
    }
}
