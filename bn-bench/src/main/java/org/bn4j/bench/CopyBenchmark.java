package org.bn4j.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The memory-traffic probe: a copy of a float tensor of the benchmark's size reads it once and writes it once, the
 * least any forward pass must do. BN's bandwidth floors are multiples of it: 1 for a forward pass, 2.5 for forward
 * plus backward (which also reads x and dy and writes dx).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CopyBenchmark {
    @Param({"NCHW:32,64,56,56"})
    public String shape;

    private float[] from;
    private float[] to;

    @Setup(Level.Trial)
    public void setUp() {
        int n = BenchShape.parse(shape).shape().size();
        from = new float[n];
        to = new float[n];
        java.util.Arrays.fill(from, 1.5f);
    }

    @Benchmark
    public float[] copy() {
        System.arraycopy(from, 0, to, 0, from.length);
        return to;
    }
}
