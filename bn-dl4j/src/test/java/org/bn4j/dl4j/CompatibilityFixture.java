package org.bn4j.dl4j;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Writes the compatibility fixture under {@code src/test/resources/compat}: a small trained MultiLayerNetwork and
 * ComputationGraph with bn4j layers, a known input, and their inference outputs as text. Regenerate only when a
 * format change is intended: after {@code mvn -B -q -pl bn-dl4j -am test-compile}, run {@link #main} on bn-dl4j's
 * test classpath with bn-dl4j as the working directory (from an IDE, or {@code java -cp target/test-classes:...}).
 * The expected outputs are what the network computed when it was saved, not hand-written values.
 */
final class CompatibilityFixture {
    static final String DIR = "src/test/resources/compat";
    static final InputKind KIND = InputKind.CNN_NHWC;

    private CompatibilityFixture() {
    }

    public static void main(String[] args) throws IOException {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        Path dir = Path.of(args.length > 0 ? args[0] : DIR);
        Files.createDirectories(dir);
        BatchNorm bn = new BatchNorm.Builder().name("bn").eps(1e-3).decay(0.8).unbiasedVariance(true).build();
        MultiLayerNetwork mln = Networks.multiLayer(KIND, bn, DataType.FLOAT, new Adam(0.05));
        ComputationGraph cg = Networks.graph(KIND, bn.clone(), DataType.FLOAT, new Adam(0.05));
        for (int step = 0; step < 5; step++) {
            mln.fit(KIND.features(DataType.FLOAT, step), KIND.labels(DataType.FLOAT, step));
            cg.fit(new INDArray[] {KIND.features(DataType.FLOAT, step)},
                    new INDArray[] {KIND.labels(DataType.FLOAT, step)});
        }
        INDArray input = KIND.features(DataType.FLOAT, 1000);
        ModelSerializer.writeModel(mln, new File(dir.toFile(), "mln.zip"), true);
        ModelSerializer.writeModel(cg, new File(dir.toFile(), "cg.zip"), true);
        write(dir.resolve("input.txt"), input);
        write(dir.resolve("mln-output.txt"), mln.output(input));
        write(dir.resolve("cg-output.txt"), cg.outputSingle(input));
    }

    /** The shape on the first line, then the values in row-major order, one per line, as exact float strings. */
    static void write(Path file, INDArray a) throws IOException {
        float[] values = a.dup('c').data().asFloat();
        String text = Arrays.stream(a.shape()).mapToObj(Long::toString).collect(Collectors.joining(" ")) + "\n"
                + java.util.stream.IntStream.range(0, values.length).mapToObj(i -> Float.toString(values[i]))
                        .collect(Collectors.joining("\n"))
                + "\n";
        Files.writeString(file, text);
    }

    static INDArray read(Path file) throws IOException {
        String[] lines = Files.readString(file).split("\n");
        long[] shape = Arrays.stream(lines[0].trim().split(" ")).mapToLong(Long::parseLong).toArray();
        float[] values = new float[lines.length - 1];
        for (int i = 1; i < lines.length; i++) {
            values[i - 1] = Float.parseFloat(lines[i]);
        }
        return Nd4j.createFromArray(values).reshape('c', shape);
    }
}
