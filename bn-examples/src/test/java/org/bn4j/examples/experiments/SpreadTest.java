package org.bn4j.examples.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SpreadTest {
    @Test
    void holdsTheMeanAndRangeOfTheValues() {
        assertEquals(new Spread(3, 2000, 1000, 3500), Spread.of(1500, 3500, 1000));
    }

    @Test
    void formatsAsMeanWithRange() {
        assertEquals("2,000 (1,000-3,500)", Spread.of(1500, 3500, 1000).format("%,.0f"));
    }

    @Test
    void equalValuesFormatAsTheirValueAlone() {
        assertEquals("500", Spread.of(500, 500).format("%,.0f"));
    }

    @Test
    void noValuesFormatAsADash() {
        assertEquals("-", Spread.of().format("%.2f"));
    }
}
