package dev.vc4j.runtime;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The members of a record file read as maps, each taken as the type its field has; a wrong one names itself. */
final class RecordMembers {
    private final Map<String, Object> members;
    private final Path file;

    RecordMembers(Map<String, Object> members, Path file) {
        this.members = members;
        this.file = file;
    }

    String text(String name) {
        Object value = members.get(name);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw wrong(name, "a string");
    }

    /** A whole number that fits a long; {@code absent} when the member is missing or null. */
    long number(String name, long absent) {
        Object value = members.get(name);
        if (value == null) {
            return absent;
        }
        if (value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        throw wrong(name, "a whole number");
    }

    /** A whole number that fits an int; {@code absent} when the member is missing or null. */
    int integer(String name, int absent) {
        long value = number(name, absent);
        if (value != (int) value) {
            throw wrong(name, "a whole number of 32 bits");
        }
        return (int) value;
    }

    /** An object of strings; empty when absent. */
    Map<String, String> texts(String name) {
        Object value = members.get(name);
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw wrong(name, "an object of strings");
        }
        Map<String, String> texts = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof String text)) {
                throw wrong(name + "." + e.getKey(), "a string");
            }
            texts.put(String.valueOf(e.getKey()), text);
        }
        return texts;
    }

    private RuntimeFailure wrong(String name, String expected) {
        return new RuntimeFailure("the record " + file + " is invalid: " + name + " is not " + expected);
    }
}
