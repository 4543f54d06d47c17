package org.bn4j.core;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** bn-core runs on the JDK alone (the enforcer rule in its pom guards the declared dependencies too). */
class FrameworkIndependenceTest {
    @ParameterizedTest
    @ValueSource(strings = {"org.nd4j.linalg.factory.Nd4j", "org.deeplearning4j.nn.conf.NeuralNetConfiguration",
            "org.nd4j.linalg.api.ndarray.INDArray", "org.slf4j.Logger"})
    void frameworkClassesAreNotOnTheClasspath(String className) {
        assertThrows(ClassNotFoundException.class, () -> Class.forName(className));
    }
}
