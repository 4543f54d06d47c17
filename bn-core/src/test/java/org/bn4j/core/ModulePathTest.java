package org.bn4j.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * bn-core as a named module on the module path, as a modular application loads it: resolved with the JDK alone
 * (the Vector API is an optional dependency), it runs, with the Vector API exactly when the JVM resolved its module,
 * and gives the class path's results. The tests run on the class path; this loads the compiled module in a layer of
 * its own.
 */
class ModulePathTest {
    @Test
    void theModuleResolvesAndRunsOnTheModulePath() throws ReflectiveOperationException {
        Configuration configuration = ModuleLayer.boot().configuration()
                .resolve(ModuleFinder.of(Path.of("target/classes")), ModuleFinder.of(), Set.of("org.bn4j.core"));
        ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(configuration,
                ClassLoader.getPlatformClassLoader());
        Module module = layer.findModule("org.bn4j.core").orElseThrow();
        ClassLoader loader = module.getClassLoader();
        Class<?> normalizer = loader.loadClass("org.bn4j.core.BatchNormalizer");
        Class<?> config = loader.loadClass("org.bn4j.core.BatchNormConfig");
        Class<?> shape = loader.loadClass("org.bn4j.core.Shape");
        Class<?> layout = loader.loadClass("org.bn4j.core.Layout");
        Class<?> values = loader.loadClass("org.bn4j.core.Values");
        Class<?> running = loader.loadClass("org.bn4j.core.RunningStats");
        assertEquals(module, normalizer.getModule());
        assertFalse(module.isExported("org.bn4j.core.kernel"), "internals are not exported");

        assertEquals(Boolean.getBoolean("bn4j.expectVectorApi"), normalizer.getMethod("usesVectorApi").invoke(null),
                "the Vector API runs in the module exactly when the JVM resolved it");

        double[] x = TestData.activations(Shape.of(Layout.NC, 64, 3), TestData.SEED);
        double[] gamma = {1, 2, 3};
        double[] beta = {0.5, 0, -0.5};
        double[] y = new double[x.length];
        Object bn = normalizer.getConstructor(config).newInstance(config.getMethod("defaults").invoke(null));
        Object nc = layout.getField("NC").get(null);
        Object moduleShape = shape.getMethod("of", layout, int[].class).invoke(null, nc, new int[] {64, 3});
        normalizer.getMethod("forwardTraining", values, shape, double[].class, double[].class, running, values)
                .invoke(bn, values.getMethod("of", double[].class).invoke(null, (Object) x.clone()), moduleShape,
                        gamma, beta, null, values.getMethod("of", double[].class).invoke(null, (Object) y));

        double[] expected = new double[x.length];
        new BatchNormalizer(BatchNormConfig.defaults()).forwardTraining(Values.of(x.clone()),
                Shape.of(Layout.NC, 64, 3), gamma, beta, null, Values.of(expected));
        assertArrayEquals(expected, y, "the module path's results are the class path's");
    }
}
