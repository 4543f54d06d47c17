package org.bn4j.examples.experiments;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;

/** The paper's claims with what these runs measured and whether each holds: once, or seed by seed. */
final class ClaimTable {
    private final List<PaperScaleReport.SeedRun> runs;
    private final int seeds;
    private final List<List<String>> rows = new ArrayList<>();

    ClaimTable(List<PaperScaleReport.SeedRun> runs, int seeds) {
        this.runs = runs;
        this.seeds = seeds;
    }

    /** A claim checked on one pair of runs. */
    void single(String claim, String paper, String here, boolean holds) {
        rows.add(List.of(claim, paper, here, holds ? "yes" : "no"));
    }

    /**
     * A claim about model {@code a} against model {@code b}, checked on each seed with the two runs of that seed.
     *
     * @param holds given a's run and b's run with the same seed
     */
    void perSeed(String claim, String paper, BiPredicate<PaperScaleReport.SeedRun, PaperScaleReport.SeedRun> holds,
                 String a, String b) {
        List<PaperScaleReport.SeedRun> as = of(a);
        List<PaperScaleReport.SeedRun> bs = of(b);
        int count = 0;
        for (int i = 0; i < as.size(); i++) {
            count += holds.test(as.get(i), bs.get(i)) ? 1 : 0;
        }
        String verdict = count == seeds ? "yes" : count == 0 ? "no" : "on some seeds";
        rows.add(List.of(claim, paper, "on " + count + " of " + seeds + " seeds", verdict));
    }

    List<List<String>> rows() {
        return rows;
    }

    private List<PaperScaleReport.SeedRun> of(String model) {
        return runs.stream().filter(r -> r.model().equals(model)).toList();
    }
}
