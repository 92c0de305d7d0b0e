package dev.vc4j.runtime;

import com.fasterxml.jackson.jr.ob.JSON;

import java.io.IOException;
import java.util.Map;

/**
 * vc-runtime's JSON binding (records under --root, the shim's protocol, the log, what commands print): jackson-jr
 * over jackson-core, whose set-up costs milliseconds where databind's ObjectMapper costs about 0.1 s, and every
 * engine call is a fresh process. Members a newer vc-runtime added are ignored when read; null members are left
 * out when written.
 */
final class RuntimeJson {
    /** Records written in their components' order, as runc orders its members (type, id, data). */
    private static final JSON COMPACT = JSON.std.with(JSON.Feature.WRITE_RECORD_FIELDS_IN_DECLARATION_ORDER);

    private static final JSON PRETTY = COMPACT.with(JSON.Feature.PRETTY_PRINT_OUTPUT);

    private RuntimeJson() {}

    static <T> T read(byte[] json, Class<T> type) throws IOException {
        return COMPACT.beanFrom(type, json);
    }

    /** A JSON object's members as maps, lists, strings, numbers and booleans: no reflection, so no set-up cost. */
    static Map<String, Object> members(byte[] json) throws IOException {
        return COMPACT.mapFrom(json);
    }

    static byte[] bytes(Object value) throws IOException {
        return COMPACT.asBytes(value);
    }

    /** One line of JSON; for values of strings, lists, maps and records, which always can be written. */
    static String line(Object value) {
        try {
            return COMPACT.asString(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** Indented, as runc prints {@code state}. */
    static String pretty(Object value) {
        try {
            return PRETTY.asString(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
