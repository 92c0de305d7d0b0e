package dev.vc4j.oci;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.RecordComponent;
import java.util.HashMap;
import java.util.Map;

/**
 * What the model's builders share: a value per component of their record, all of them taken from a record for
 * a changed copy, and the build through the record's canonical constructor, which checks and freezes them. A
 * record's Builder adds only its typed setters, each naming the component it sets. Only this package's records
 * have one (the constructors are not public).
 *
 * @param <R> the record built
 * @param <B> the Builder, which the setters return
 */
public abstract class OciBuilder<R extends Record, B extends OciBuilder<R, B>> {
    private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
            return new Shape(type);
        }
    };

    private final Shape shape;
    private final Object[] values;

    /** A builder with every component unset (absent from the JSON). */
    OciBuilder(Class<R> type) {
        shape = SHAPES.get(type);
        values = new Object[shape.names.size()];
    }

    /** A builder holding {@code from}'s values. */
    OciBuilder(R from) {
        shape = SHAPES.get(from.getClass());
        values = shape.valuesOf(from);
    }

    /** Sets {@code component} of the record to build; a typed setter's body. */
    final B set(String component, Object value) {
        Integer index = shape.names.get(component);
        if (index == null) {
            throw new IllegalArgumentException(shape.type.getSimpleName() + " has no component " + component);
        }
        values[index] = value;
        @SuppressWarnings("unchecked")
        B self = (B) this;
        return self;
    }

    /** The members the record does not model, written as given. */
    public final B otherFields(Map<String, Object> otherFields) {
        return set("otherFields", otherFields);
    }

    /** The record; its constructor rejects a null list element or map value, naming the field. */
    public final R build() {
        @SuppressWarnings("unchecked")
        R built = (R) shape.construct(values);
        return built;
    }

    /** A record type's components, by name and in order, with its canonical constructor. */
    private static final class Shape {
        private final Class<?> type;
        private final Map<String, Integer> names = new HashMap<>();
        private final MethodHandle[] accessors;
        private final MethodHandle canonical;

        Shape(Class<?> type) {
            this.type = type;
            RecordComponent[] components = type.getRecordComponents();
            accessors = new MethodHandle[components.length];
            Class<?>[] parameters = new Class<?>[components.length];
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            try {
                for (int i = 0; i < components.length; i++) {
                    names.put(components[i].getName(), i);
                    accessors[i] = lookup.unreflect(components[i].getAccessor());
                    parameters[i] = components[i].getType();
                }
                canonical = lookup.unreflectConstructor(type.getDeclaredConstructor(parameters))
                        .asSpreader(Object[].class, components.length);
            } catch (ReflectiveOperationException e) {
                // the model's records and their canonical constructors are public
                throw new IllegalStateException("cannot build " + type.getSimpleName(), e);
            }
        }

        Object[] valuesOf(Object from) {
            Object[] values = new Object[accessors.length];
            for (int i = 0; i < accessors.length; i++) {
                values[i] = call(accessors[i], from);
            }
            return values;
        }

        Object construct(Object[] values) {
            return call(canonical, values);
        }

        private Object call(MethodHandle handle, Object argument) {
            try {
                return handle.invoke(argument);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                // accessors and constructors of records throw no checked exception
                throw new IllegalStateException(type.getSimpleName() + ": " + e, e);
            }
        }
    }
}
