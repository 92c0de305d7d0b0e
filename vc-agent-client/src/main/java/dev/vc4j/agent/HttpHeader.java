package dev.vc4j.agent;

import java.util.Objects;

/**
 * One header field of an HTTP/2 header list. Both strings hold one char per octet (ISO-8859-1), so their lengths
 * are the octet counts that HPACK's table sizes and HTTP/2's header list size are measured in.
 */
record HttpHeader(String name, String value) {
    HttpHeader {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
