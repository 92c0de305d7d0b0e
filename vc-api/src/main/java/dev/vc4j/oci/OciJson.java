package dev.vc4j.oci;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.vc4j.InvalidConfigException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one JSON binding of the model. Reading is strict about types (no string for a number, no number for a
 * string, no fraction for an integer, no key twice) and names what it rejects by its JSON path, such as
 * {@code mounts[3].source}, with the value found there; malformed JSON by its line and column.
 */
final class OciJson {
    /** How much of a rejected value an error quotes. */
    private static final int VALUE_QUOTE = 200;

    /**
     * Built at its first use, not when a record's constructor first calls a check here: a process that only builds
     * records (vc-runtime's {@code state}) does not pay for a mapper it never uses.
     */
    private static final class Mapper {
        static final JsonMapper MAPPER = JsonMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .withCoercionConfig(
                        LogicalType.Textual,
                        strings -> strings.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .build();
    }

    private OciJson() {}

    /**
     * Binds {@code json} to {@code type}. Malformed JSON is an error of the field {@code document}; a value
     * of the wrong type one of its JSON path, after {@code prefix} when that is not empty.
     */
    static <T> T read(String json, Class<T> type, String document, String prefix) {
        JsonNode tree;
        try {
            tree = Mapper.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new InvalidConfigException(
                    document,
                    at == null ? "?" : "line " + at.getLineNr() + ", column " + at.getColumnNr(),
                    "is not valid JSON: " + e.getOriginalMessage(),
                    e);
        }
        if (tree == null || !tree.isObject()) {
            throw new InvalidConfigException(document, tree == null ? "" : quote(tree), "must be a JSON object");
        }
        refuseNonFinite(tree, prefix);
        try {
            return Mapper.MAPPER.treeToValue(tree, type);
        } catch (JsonMappingException e) {
            throw rejected(e, tree, prefix);
        } catch (JacksonException e) {
            throw new InvalidConfigException(document, quote(tree), e.getOriginalMessage(), e);
        }
    }

    /**
     * A number beyond a double (1e400) would be kept as Infinity, which JSON cannot hold: written back, it would
     * become the string "Infinity". No field of the model takes such a number, known or not.
     */
    private static void refuseNonFinite(JsonNode node, String path) {
        if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
            throw new InvalidConfigException(path, Double.toString(node.doubleValue()), "is a number out of range");
        }
        if (node.isObject()) {
            node.fields()
                    .forEachRemaining(
                            e -> refuseNonFinite(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey()));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                refuseNonFinite(node.get(i), path + "[" + i + "]");
            }
        }
    }

    static String write(Object value) {
        try {
            return Mapper.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            // the model holds only strings, numbers, booleans, lists and maps of them
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
        }
    }

    private static InvalidConfigException rejected(JsonMappingException e, JsonNode tree, String prefix) {
        StringBuilder path = new StringBuilder(prefix);
        JsonNode node = tree;
        for (JsonMappingException.Reference step : e.getPath()) {
            if (step.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(step.getFieldName());
                node = node.path(step.getFieldName());
            } else if (step.getIndex() >= 0) {
                path.append('[').append(step.getIndex()).append(']');
                node = node.path(step.getIndex());
            }
        }
        if (e instanceof ValueInstantiationException && e.getCause() instanceof InvalidConfigException inner) {
            String field = path.length() == 0 ? inner.field() : path + "." + inner.field();
            return new InvalidConfigException(field, inner.value(), inner.reason(), e);
        }
        String reason = e instanceof MismatchedInputException m && m.getTargetType() != null
                ? "must be " + describe(m.getTargetType())
                : e.getOriginalMessage();
        return new InvalidConfigException(path.toString(), quote(node), reason, e);
    }

    private static String describe(Class<?> type) {
        if (type == String.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "an integer";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "an object";
    }

    private static String quote(JsonNode node) {
        String text = node.isMissingNode() ? "" : node.isTextual() ? node.textValue() : node.toString();
        return text.length() <= VALUE_QUOTE ? text : text.substring(0, VALUE_QUOTE) + "...";
    }

    /** An unmodifiable copy; null (absent) stays null. An element may not be null. */
    static <T> List<T> list(List<T> values, String field) {
        if (values == null) {
            return null;
        }
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) == null) {
                throw new InvalidConfigException(field + "[" + i + "]", null, "must not be null");
            }
        }
        return List.copyOf(values);
    }

    /** An unmodifiable copy in the same order; null (absent) stays null. A value may not be null. */
    static Map<String, String> map(Map<String, String> values, String field) {
        if (values == null) {
            return null;
        }
        values.forEach((key, value) -> {
            if (value == null) {
                throw new InvalidConfigException(field + "." + key, null, "must be a string");
            }
        });
        return Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The members a record does not model: an unmodifiable deep copy, nulls kept (they are members too). */
    static Map<String, Object> others(Map<String, Object> members) {
        return members == null || members.isEmpty() ? Map.of() : frozenMap(members);
    }

    private static Map<String, Object> frozenMap(Map<?, ?> members) {
        Map<String, Object> copy = new LinkedHashMap<>();
        members.forEach((key, value) -> copy.put(String.valueOf(key), frozen(value)));
        return Collections.unmodifiableMap(copy);
    }

    private static Object frozen(Object value) {
        if (value instanceof Map<?, ?> map) {
            return frozenMap(map);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(element -> copy.add(frozen(element)));
            return Collections.unmodifiableList(copy);
        }
        return value;
    }
}
