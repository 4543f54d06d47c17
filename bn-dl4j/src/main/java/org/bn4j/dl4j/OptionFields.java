package org.bn4j.dl4j;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The options of a layer configuration class, read as its own declared instance fields (static, transient and
 * synthetic fields excluded): equality, hash, description and copying by reflection, so that an option is written
 * once, as a field with its default, and no hand-written method can forget it. Arrays compare by content.
 */
final class OptionFields {
    private final List<Field> fields = new ArrayList<>();

    /** @param type the class whose declared fields are its options (not those of its superclasses) */
    OptionFields(Class<?> type) {
        for (Field f : type.getDeclaredFields()) {
            int modifiers = f.getModifiers();
            if (!Modifier.isStatic(modifiers) && !Modifier.isTransient(modifiers) && !f.isSynthetic()) {
                f.setAccessible(true);
                fields.add(f);
            }
        }
    }

    /** @return true when every option of {@code a} equals that of {@code b} */
    boolean equal(Object a, Object b) {
        for (Field f : fields) {
            if (!Objects.deepEquals(get(f, a), get(f, b))) {
                return false;
            }
        }
        return true;
    }

    /** @return a hash of every option's value */
    int hash(Object o) {
        Object[] values = new Object[fields.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = get(fields.get(i), o);
        }
        return Arrays.deepHashCode(values);
    }

    /** @return {@code ", name=value"} for each option of {@code o} that differs from {@code defaults}, in declaration order */
    String describeChanges(Object o, Object defaults) {
        StringBuilder s = new StringBuilder();
        for (Field f : fields) {
            Object value = get(f, o);
            if (!Objects.deepEquals(value, get(f, defaults))) {
                String text = Arrays.deepToString(new Object[] {value});   // arrays by content
                s.append(", ").append(f.getName()).append('=').append(text, 1, text.length() - 1);
            }
        }
        return s.toString();
    }

    /** Sets every option of {@code to} to that of {@code from}; arrays are copied. */
    void copy(Object from, Object to) {
        for (Field f : fields) {
            Object value = get(f, from);
            if (value != null && value.getClass().isArray()) {
                int length = Array.getLength(value);
                Object copy = Array.newInstance(value.getClass().getComponentType(), length);
                System.arraycopy(value, 0, copy, 0, length);
                value = copy;
            }
            try {
                f.set(to, value);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static Object get(Field f, Object o) {
        try {
            return f.get(o);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
