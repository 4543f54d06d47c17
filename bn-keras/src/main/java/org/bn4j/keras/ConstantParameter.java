package org.bn4j.keras;

import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.layers.LayerConstraint;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Keeps one parameter of a layer at a constant after every update: a Keras BN with {@code scale=False} (gamma 1) or
 * {@code center=False} (beta 0) whose other parameter learns. bn4j's {@code lockGammaBeta} fixes both or neither.
 * Part of the saved configuration of an imported model.
 */
public final class ConstantParameter implements LayerConstraint {
    private static final long serialVersionUID = 1L;

    @JsonProperty
    private String parameter;
    @JsonProperty
    private double value;

    /** For JSON deserialization. */
    public ConstantParameter() {
    }

    /**
     * @param parameter the parameter's key in the layer's parameter table
     * @param value     the value of its every entry
     */
    public ConstantParameter(String parameter, double value) {
        this.parameter = parameter;
        this.value = value;
    }

    @Override
    public void applyConstraint(Layer layer, int iteration, int epoch) {
        layer.getParam(parameter).assign(value);
    }

    /** The parameter is fixed at construction; DL4J's "all parameters" set is ignored. */
    @Override
    public void setParams(Set<String> params) {
    }

    @Override
    public Set<String> getParams() {
        return Collections.singleton(parameter);
    }

    @Override
    public ConstantParameter clone() {
        return new ConstantParameter(parameter, value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConstantParameter && ((ConstantParameter) o).parameter.equals(parameter)
                && Double.compare(((ConstantParameter) o).value, value) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(parameter, value);
    }

    @Override
    public String toString() {
        return "ConstantParameter(" + parameter + " = " + value + ")";
    }
}
