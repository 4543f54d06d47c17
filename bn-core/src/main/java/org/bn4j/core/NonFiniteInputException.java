package org.bn4j.core;

/** An input or gradient held NaN or an infinity under {@link NonFinitePolicy#REJECT}. */
public class NonFiniteInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String argument;
    private final int index;

    NonFiniteInputException(String argument, int index, double value, Shape shape) {
        super(argument + " holds " + value + " at flat index " + index + " (channel " + shape.channelOf(index)
                + " of " + shape + "); NonFinitePolicy.REJECT refuses non-finite values");
        this.argument = argument;
        this.index = index;
    }

    /** @return the name of the offending argument, for example {@code "x"} or {@code "dy"} */
    public String argument() {
        return argument;
    }

    /** @return the flat row-major index of the first non-finite value */
    public int index() {
        return index;
    }
}
