package org.bn4j.dl4j;

import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bn4j.core.BatchNormConfig;
import org.bn4j.core.NonFinitePolicy;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every option of {@link BatchNorm}, found by reflection on its builder and its fields rather than through the
 * methods under test: set away from its default, each one must show in equals, hashCode, toString, the JSON round
 * trip and (unless it is the layer's own) the bn-core configuration. A new builder method fails
 * {@link #everyBuilderOptionHasANonDefaultValueHere} until it is given a value below.
 */
@DisplayName("BatchNorm's options")
class BatchNormOptionsTest {
    /** One non-default, valid setting per builder method. */
    private static final Map<String, UnaryOperator<BatchNorm.Builder>> NON_DEFAULT = Map.ofEntries(
            entry("eps", b -> b.eps(1e-3)),
            entry("decay", b -> b.decay(0.75)),
            entry("lockGammaBeta", b -> b.lockGammaBeta(true)),
            entry("gamma", b -> b.gamma(1.5)),
            entry("beta", b -> b.beta(-0.5)),
            entry("cumulativeAverage", b -> b.cumulativeAverage(true)),
            entry("unbiasedVariance", b -> b.unbiasedVariance(true)),
            entry("nonFinitePolicy", b -> b.nonFinitePolicy(NonFinitePolicy.PROPAGATE)),
            entry("dataFormat", b -> b.dataFormat(CNN2DFormat.NHWC)),
            entry("rnnDataFormat", b -> b.rnnDataFormat(RNNFormat.NWC)),
            entry("cnn3DDataFormat", b -> b.cnn3DDataFormat(Convolution3D.DataFormat.NDHWC)),
            entry("renorm", b -> b.renorm(3, 5)),
            entry("renormWarmup", b -> b.renormWarmup(5000, 20000)),
            entry("ghostBatchSize", b -> b.ghostBatchSize(16)),
            entry("frozenStatistics", b -> b.frozenStatistics(true)),
            entry("frozenGammaBeta", b -> b.frozenGammaBeta(true)));

    /** Options bn-core does not see: they shape the layer (formats, parameters, updater), not the math. */
    private static final Set<String> LAYER_ONLY = Set.of("dataFormat", "rnnDataFormat", "cnn3DDataFormat",
            "frozenStatistics", "frozenGammaBeta");

    /** Options that only mean something with another one set, and the setting they are tested with. */
    private static final Map<String, UnaryOperator<BatchNorm.Builder>> NEEDS = Map.of(
            "renormWarmup", b -> b.renorm(2, 1),
            "gamma", b -> b.lockGammaBeta(true),
            "beta", b -> b.lockGammaBeta(true));

    /**
     * Fields that no builder option sets: the layer records them from the network's input type, or, for
     * activationApplied, from whether its configuration was saved before bn4j applied activations.
     */
    private static final Set<String> DERIVED_FIELDS = Set.of("inputTypeSpatial", "activationApplied");

    private static BatchNorm.Builder named() {
        return new BatchNorm.Builder().nIn(3).nOut(3).name("bn");
    }

    private static BatchNorm build(UnaryOperator<BatchNorm.Builder> setting) {
        return setting.apply(named()).build();
    }

    private static BatchNorm base(String option) {
        return build(NEEDS.getOrDefault(option, b -> b));
    }

    private static BatchNorm withOption(String option) {
        return NON_DEFAULT.get(option).apply(NEEDS.getOrDefault(option, b -> b).apply(named())).build();
    }

    static Stream<Arguments> options() {
        return NON_DEFAULT.keySet().stream().sorted().map(Arguments::of);
    }

    /** The option methods BatchNorm.Builder declares (not those every DL4J layer has). */
    private static Set<String> builderOptions() {
        return Arrays.stream(BatchNorm.Builder.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && !m.isSynthetic() && !m.getName().equals("build"))
                .map(Method::getName).collect(Collectors.toCollection(TreeSet::new));
    }

    /** BatchNorm's own instance fields, read directly. */
    private static List<Field> optionFields() {
        List<Field> fields = new ArrayList<>();
        for (Field f : BatchNorm.class.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers())) {
                f.setAccessible(true);
                fields.add(f);
            }
        }
        return fields;
    }

    private static Set<String> fieldsThatDiffer(BatchNorm a, BatchNorm b) throws IllegalAccessException {
        Set<String> names = new TreeSet<>();
        for (Field f : optionFields()) {
            if (!Objects.deepEquals(f.get(a), f.get(b))) {
                names.add(f.getName());
            }
        }
        return names;
    }

    @Test
    void everyBuilderOptionHasANonDefaultValueHere() {
        assertEquals(builderOptions(), new TreeSet<>(NON_DEFAULT.keySet()));
    }

    @Test
    void everyFieldIsSetBySomeBuilderOption() throws IllegalAccessException {
        Set<String> set = new TreeSet<>(DERIVED_FIELDS);
        for (String option : NON_DEFAULT.keySet()) {
            set.addAll(fieldsThatDiffer(withOption(option), base(option)));
        }
        assertEquals(optionFields().stream().map(Field::getName).collect(Collectors.toCollection(TreeSet::new)), set);
    }

    @Test
    void defaultsAreBnCoresDefaults() {
        assertEquals(BatchNormConfig.defaults(), new BatchNorm.Builder().build().toCoreConfig());
        BatchNorm fromJson = new BatchNorm();
        assertEquals(BatchNormConfig.defaults(), fromJson.toCoreConfig(), "the JSON constructor gives the defaults");
        // ...and a configuration saved before bn4j applied activations ignores its activation, as it did then
        assertFalse(fromJson.isActivationApplied());
        assertTrue(new BatchNorm.Builder().build().isActivationApplied());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("options")
    void equalsAndHashCodeSeeTheOption(String option) {
        assertNotEquals(base(option), withOption(option));
        assertNotEquals(base(option).hashCode(), withOption(option).hashCode());
        assertEquals(withOption(option), withOption(option));
        assertEquals(withOption(option).hashCode(), withOption(option).hashCode());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("options")
    void toStringShowsTheOption(String option) throws IllegalAccessException {
        String text = withOption(option).toString();
        assertNotEquals(base(option).toString(), text);
        for (String field : fieldsThatDiffer(withOption(option), base(option))) {
            assertTrue(text.contains(field + "="), text + " names " + field);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("options")
    void theOptionSurvivesAJsonRoundTrip(String option) throws IllegalAccessException {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().list().layer(withOption(option)).build();

        BatchNorm restored = (BatchNorm) MultiLayerConfiguration.fromJson(conf.toJson()).getConf(0).getLayer();

        assertEquals(Set.of(), fieldsThatDiffer(withOption(option), restored), "fields the JSON lost");
        assertEquals(conf.getConf(0).getLayer(), restored);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("options")
    void theCoreConfigurationSeesTheOptionUnlessItIsTheLayersOwn(String option) {
        BatchNormConfig core = withOption(option).toCoreConfig();
        if (LAYER_ONLY.contains(option)) {
            assertEquals(base(option).toCoreConfig(), core, option + " is listed as the layer's own");
        } else {
            assertNotEquals(base(option).toCoreConfig(), core, option + " does not reach bn-core");
        }
    }

    @Test
    void aBuilderIsNotChangedByBuildingFromIt() {
        BatchNorm.Builder builder = named().ghostBatchSize(4);
        BatchNorm first = builder.build();
        builder.ghostBatchSize(8);

        assertEquals(4, first.getGhostBatchSize());
        assertEquals(8, builder.build().getGhostBatchSize());
    }
}
