package org.bn4j.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bn4j.core.loops.GateThreshold;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The fused activation's per-call work apart from the passes over memory: {@link GateThreshold#write}, which the
 * backward pass runs once per call for every channel. Its coefficients are as a forward pass makes them (hi a batch
 * mean, lo its rounding residual, a a positive scale, b a trained shift of up to a half, with which about one channel
 * in twenty misses the estimate and is searched). With many channels and few values per channel ({@code NC:60,100})
 * its time is a visible part of the backward's. Score: nanoseconds per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GateThresholdBenchmark {
    @Param({"100", "1024"})
    public int channels;

    private float[] hi;
    private float[] lo;
    private float[] a;
    private float[] b;
    private float[] sign;
    private float[] threshold;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(20150211L);
        hi = new float[channels];
        lo = new float[channels];
        a = new float[channels];
        b = new float[channels];
        sign = new float[channels];
        threshold = new float[channels];
        for (int ch = 0; ch < channels; ch++) {
            double mean = random.nextDouble(-2, 2);
            hi[ch] = (float) mean;
            lo[ch] = (float) (mean - hi[ch]);
            a[ch] = (float) random.nextDouble(0.2, 5);
            b[ch] = (float) random.nextDouble(-0.5, 0.5);
        }
    }

    @Benchmark
    public float[] write() {
        GateThreshold.write(hi, lo, a, b, channels, sign, threshold);
        return threshold;
    }
}
