package dev.vc4j.runtime;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * vc-runtime's one JSON mapper (records under --root, the shim's protocol, the log, what commands print): a
 * mapper costs tens of milliseconds to build, and every engine call is a fresh process.
 */
final class RuntimeJson {
    /** Members a newer vc-runtime added are ignored, so that an older one still reads the record. */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private RuntimeJson() {}
}
