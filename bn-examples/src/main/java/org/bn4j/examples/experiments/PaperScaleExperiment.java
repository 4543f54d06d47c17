package org.bn4j.examples.experiments;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.bn4j.dl4j.CovariateShiftMonitor;
import org.bn4j.examples.data.Examples;
import org.bn4j.examples.nets.BatchNormImpl;
import org.bn4j.examples.nets.InceptionNet;
import org.bn4j.examples.nets.MnistMlp;
import org.bn4j.examples.report.Csv;
import org.bn4j.examples.train.Curve;
import org.bn4j.examples.train.Patience;
import org.bn4j.examples.train.Progress;
import org.bn4j.examples.train.StopRule;
import org.bn4j.examples.train.Trainer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The paper's experiments at its scale on one real image set: Figure 1 (the sigmoid MLP with and without BN, one
 * seed) and Figures 2 and 3 (the five Inception variants, several seeds). For each seed the Inception baseline trains
 * until its test accuracy stops improving ({@link Patience}, with a step cap), and the four other variants train for
 * as many steps as it did. Independent runs go {@code parallel} at a time. Every finished run is saved in a
 * {@link RunStore} and read back from its files; a rerun with the same settings skips it.
 */
public final class PaperScaleExperiment {
    /**
     * Figure 1.
     *
     * @param steps        training steps per network (the paper: 50,000)
     * @param batchSize    examples per step (the paper: 60)
     * @param learningRate SGD step size
     * @param initStd      standard deviation of the Gaussian initial weights
     * @param evalEvery    measure test accuracy and the sigmoid's input every this many steps
     */
    public record Mlp(int steps, int batchSize, double learningRate, double initStd, int evalEvery) {
    }

    /**
     * Figures 2 and 3.
     *
     * @param seeds            one run per variant and seed
     * @param maxSteps         the step cap of the baseline; also the horizon of the learning-rate schedules
     * @param batchSize        examples per step (the paper: 32)
     * @param baseLearningRate the Inception baseline's learning rate; the variants multiply it
     * @param baseL2           the baseline's L2; the accelerated variants divide it by 5
     * @param evalEvery        measure test accuracy every this many steps
     * @param patience         the baseline stops after this many measurements without a new best
     * @param minGain          how much a measurement must beat the best so far to count as a new best (a fraction:
     *                         0.005 is half a percentage point of accuracy)
     * @param width            channel multiplier of the network (1: {@link InceptionNet}'s default widths)
     */
    public record Inception(List<Long> seeds, int maxSteps, int batchSize, double baseLearningRate, double baseL2,
            int evalEvery, int patience, double minGain, double width) {
        public Inception {
            seeds = List.copyOf(seeds);
        }
    }

    /**
     * What the runs measured, as read back from their files.
     *
     * @param withoutBn      Figure 1's MLP without BN
     * @param withBn         and with BN
     * @param inputWithoutBn percentiles of the watched sigmoid's input, without BN
     * @param inputWithBn    and with BN
     * @param inception      per variant of {@link InceptionNet#FIGURE_3} (by name, in that order): one curve per seed
     */
    public record Result(Curve withoutBn, Curve withBn, List<CovariateShiftMonitor.Record> inputWithoutBn,
            List<CovariateShiftMonitor.Record> inputWithBn, Map<String, List<Curve>> inception) {
    }

    static final List<String> INPUT_HEADER = List.of("step", "p15", "p50", "p85");

    private final Mlp mlp;
    private final Inception inception;
    private final BatchNormImpl bn;
    private final int parallel;
    private final int threadsPerRun;
    private final boolean progress;

    /**
     * @param bn            which BN implementation
     * @param parallel      how many runs train at the same time
     * @param threadsPerRun ND4J's and OpenBLAS's threads in each run
     * @param progress      draw progress bars
     */
    public PaperScaleExperiment(Mlp mlp, Inception inception, BatchNormImpl bn, int parallel, int threadsPerRun,
                                boolean progress) {
        if (parallel < 1 || threadsPerRun < 1) {
            throw new IllegalArgumentException(
                    "parallel runs and threads per run must be at least 1, got " + parallel + " and " + threadsPerRun);
        }
        this.mlp = mlp;
        this.inception = inception;
        this.bn = bn;
        this.parallel = parallel;
        this.threadsPerRun = threadsPerRun;
        this.progress = progress;
    }

    /**
     * Runs what {@code store} does not hold yet.
     *
     * @param dataKey identifies the data (its checksums and slice); a run on other data is not reused
     */
    public Result run(Examples data, String dataKey, RunStore store) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(parallel, task -> new Thread(() -> {
            // Thread counts are per calling thread in OpenMP; OpenBLAS's is global. Unset, each run's worker thread would
            // use every core, and runs side by side would fight over them (measured: a 20x slower MLP step).
            Nd4j.getEnvironment().setMaxThreads(threadsPerRun);
            Nd4j.factory().blas().setMaxThreads(threadsPerRun);
            task.run();
        }, "run-worker"));
        try {
            Result figure1;
            try (Progress bar = Progress.start(progress, "Figure 1 (MLP)", 2 * mlp.steps(), " steps")) {
                CompletableFuture<MlpRun> plain = async(() -> mlpRun(false, data, dataKey, store, bar), pool);
                CompletableFuture<MlpRun> withBn = async(() -> mlpRun(true, data, dataKey, store, bar), pool);
                figure1 = new Result(plain.join().curve(), withBn.join().curve(), plain.join().input(),
                        withBn.join().input(), Map.of());
            }
            Map<String, List<Curve>> curves = new LinkedHashMap<>();
            InceptionNet.FIGURE_3.forEach(v -> curves.put(v.name(), new ArrayList<>()));
            int runs = inception.seeds().size() * InceptionNet.FIGURE_3.size();
            try (Progress bar = Progress.start(progress, "Figures 2, 3 (Inception)", runs * inception.maxSteps(),
                    " steps")) {
                AtomicLong planned = new AtomicLong((long) runs * inception.maxSteps());
                List<List<CompletableFuture<Curve>>> bySeed = new ArrayList<>();
                for (long seed : inception.seeds()) {
                    CompletableFuture<Curve> baseline = async(
                            () -> inceptionRun(InceptionNet.FIGURE_3.get(0), seed, -1, data, dataKey, store, bar),
                            pool);
                    List<CompletableFuture<Curve>> runsOfSeed = new ArrayList<>(List.of(baseline));
                    CompletableFuture<Integer> steps = baseline.thenApply(c -> {
                        int stopped = c.points().get(c.points().size() - 1).step();
                        bar.resize(planned
                                .addAndGet(-(long) InceptionNet.FIGURE_3.size() * (inception.maxSteps() - stopped)));
                        return stopped;
                    });
                    for (InceptionNet.Variant v : InceptionNet.FIGURE_3.subList(1, InceptionNet.FIGURE_3.size())) {
                        runsOfSeed.add(steps.thenApplyAsync(
                                n -> unchecked(() -> inceptionRun(v, seed, n, data, dataKey, store, bar)), pool));
                    }
                    bySeed.add(runsOfSeed);
                }
                for (List<CompletableFuture<Curve>> runsOfSeed : bySeed) {
                    for (int i = 0; i < runsOfSeed.size(); i++) {
                        curves.get(InceptionNet.FIGURE_3.get(i).name()).add(runsOfSeed.get(i).join());
                    }
                }
            }
            return new Result(figure1.withoutBn(), figure1.withBn(), figure1.inputWithoutBn(), figure1.inputWithBn(),
                    curves);
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            throw e;
        } finally {
            pool.shutdownNow();
        }
    }

    /** One of Figure 1's networks, its curve and the percentiles of its watched sigmoid input. */
    private record MlpRun(Curve curve, List<CovariateShiftMonitor.Record> input) {
    }

    private MlpRun mlpRun(boolean batchNorm, Examples data, String dataKey, RunStore store, Progress bar)
            throws IOException {
        String name = batchNorm ? "with BN" : "without BN";
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("network", "784-100-100-100-10 sigmoid" + (batchNorm ? " with BN " + bn : ""));
        settings.put("steps", String.valueOf(mlp.steps()));
        settings.put("batch", String.valueOf(mlp.batchSize()));
        settings.put("learning rate", String.valueOf(mlp.learningRate()));
        settings.put("init std", String.valueOf(mlp.initStd()));
        settings.put("eval every", String.valueOf(mlp.evalEvery()));
        settings.put("seed", String.valueOf(inception.seeds().get(0)));
        settings.put("data", dataKey);
        RunStore.Spec spec = new RunStore.Spec(batchNorm ? "mlp-with-bn" : "mlp-without-bn", settings);
        Optional<Curve> done = store.finished(spec, name);
        if (done.isEmpty()) {
            long seed = inception.seeds().get(0);
            INDArray probe = MnistExperiment.probe(data);
            CovariateShiftMonitor monitor = MnistExperiment.monitor(probe, batchNorm, mlp.evalEvery());
            MultiLayerNetwork net = MnistMlp.build(batchNorm ? bn : null, mlp.learningRate(), mlp.initStd(), seed);
            monitor.recordInitial(net);
            net.addListeners(monitor);
            Curve curve = new Trainer(mlp.steps(), mlp.batchSize(), mlp.evalEvery(), seed, false)
                    .train(name, net, data.train(), data.test(), StopRule.NEVER, bar);
            List<List<Object>> rows = new ArrayList<>();
            for (CovariateShiftMonitor.Record r : monitor.records()) {
                rows.add(List.of(r.iteration(), r.percentiles()[0], r.percentiles()[1], r.percentiles()[2]));
            }
            Csv.write(store.extra(spec, "sigmoid-input"), INPUT_HEADER, rows);
            store.save(spec, curve);
            done = store.finished(spec, name);
        } else {
            bar.stepBy(mlp.steps());
        }
        List<CovariateShiftMonitor.Record> input = new ArrayList<>();
        for (List<String> row : Csv.read(store.extra(spec, "sigmoid-input"), INPUT_HEADER)) {
            input.add(new CovariateShiftMonitor.Record(Integer.parseInt(row.get(0)), new double[] {
                    Double.parseDouble(row.get(1)), Double.parseDouble(row.get(2)), Double.parseDouble(row.get(3))}));
        }
        return new MlpRun(done.orElseThrow(), input);
    }

    /** @param steps the baseline's run length, or -1 for the baseline itself (patience and cap) */
    private Curve inceptionRun(InceptionNet.Variant v, long seed, int steps, Examples data, String dataKey,
                               RunStore store, Progress bar)
            throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("variant", v.name());
        settings.put("bn", v.batchNorm() ? bn.toString() : "none");
        settings.put("seed", String.valueOf(seed));
        settings.put("steps", steps < 0 ? "until " + inception.patience() + " measurements without a gain of more than "
                + inception.minGain() + " over the best, at most " + inception.maxSteps() : String.valueOf(steps));
        settings.put("schedule horizon", String.valueOf(inception.maxSteps()));
        settings.put("batch", String.valueOf(inception.batchSize()));
        settings.put("base learning rate", String.valueOf(inception.baseLearningRate()));
        settings.put("base L2", String.valueOf(inception.baseL2()));
        settings.put("eval every", String.valueOf(inception.evalEvery()));
        settings.put("width", String.valueOf(inception.width()));
        settings.put("data", dataKey);
        RunStore.Spec spec = new RunStore.Spec("inception-" + v.name() + "-seed" + seed, settings);
        Optional<Curve> done = store.finished(spec, v.name());
        if (done.isPresent()) {
            bar.stepBy(done.get().points().get(done.get().points().size() - 1).step());
            return done.get();
        }
        InceptionNet.Training training = new InceptionNet.Training(inception.baseLearningRate(), inception.baseL2(),
                inception.maxSteps(), seed, inception.width());
        var net = InceptionNet.build(v, bn, data.channels(), data.height(), data.classes(), training);
        Trainer trainer = new Trainer(steps < 0 ? inception.maxSteps() : steps, inception.batchSize(),
                inception.evalEvery(), seed, false);
        Curve curve = trainer.train(v.name() + " seed " + seed, net, data.train(), data.test(),
                steps < 0 ? new Patience(inception.patience(), inception.minGain()) : StopRule.NEVER, bar);
        store.save(spec, curve);
        return store.finished(spec, v.name()).orElseThrow();
    }

    private interface IoSupplier<T> {
        T get() throws IOException;
    }

    private static <T> CompletableFuture<T> async(IoSupplier<T> task, ExecutorService pool) {
        return CompletableFuture.supplyAsync(() -> unchecked(task), pool);
    }

    private static <T> T unchecked(IoSupplier<T> task) {
        try {
            return task.get();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
