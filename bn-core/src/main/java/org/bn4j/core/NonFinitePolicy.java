package org.bn4j.core;

/** What {@link BatchNormalizer} does when an input or gradient holds NaN or an infinity. */
public enum NonFinitePolicy {
    /** Throw {@link NonFiniteInputException} before any output or state is handed back. The default. */
    REJECT,
    /** Skip the check and let IEEE arithmetic carry NaN and infinities through to outputs and statistics. */
    PROPAGATE
}
