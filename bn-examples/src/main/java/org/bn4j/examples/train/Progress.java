package org.bn4j.examples.train;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on standard error with rate and time left, or nothing at all when progress is off. It draws on
 * {@link System#err} as set when the bar starts (the library's default writes to file descriptor 2, past any
 * redirection), so that tests can see whether bars were drawn. Thread-safe.
 */
public final class Progress implements AutoCloseable {
    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    /**
     * @param enabled false for a silent stand-in
     * @param name    shown before the bar
     * @param total   how many steps make 100%
     * @param unit    shown after the counts, for example " steps"
     */
    public static Progress start(boolean enabled, String name, int total, String unit) {
        return new Progress(enabled ? new ProgressBarBuilder().setTaskName(name).setInitialMax(total)
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).setStyle(ProgressBarStyle.ASCII).showSpeed()
                .setUnit(unit, 1).setUpdateIntervalMillis(500).build() : null);
    }

    public void step() {
        if (bar != null) {
            bar.step();
        }
    }

    /** Counts {@code steps} at once, for example those of a run that an earlier invocation finished. */
    public void stepBy(long steps) {
        if (bar != null) {
            bar.stepBy(steps);
        }
    }

    /** Changes what makes 100%, for example when a run stops early; the time left follows. */
    public void resize(long total) {
        if (bar != null) {
            bar.maxHint(total);
        }
    }

    /** Shows a short note after the bar, for example the latest test accuracy. */
    public void note(String message) {
        if (bar != null) {
            bar.setExtraMessage(message);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
