package dev.vc4j.agent;

import java.util.List;

/** The 61 entries every HPACK peer knows without sending them (RFC 7541 Appendix A). */
final class HpackStaticTable {
    private static final List<HttpHeader> ENTRIES = List.of(
            new HttpHeader(":authority", ""),
            new HttpHeader(":method", "GET"),
            new HttpHeader(":method", "POST"),
            new HttpHeader(":path", "/"),
            new HttpHeader(":path", "/index.html"),
            new HttpHeader(":scheme", "http"),
            new HttpHeader(":scheme", "https"),
            new HttpHeader(":status", "200"),
            new HttpHeader(":status", "204"),
            new HttpHeader(":status", "206"),
            new HttpHeader(":status", "304"),
            new HttpHeader(":status", "400"),
            new HttpHeader(":status", "404"),
            new HttpHeader(":status", "500"),
            new HttpHeader("accept-charset", ""),
            new HttpHeader("accept-encoding", "gzip, deflate"),
            new HttpHeader("accept-language", ""),
            new HttpHeader("accept-ranges", ""),
            new HttpHeader("accept", ""),
            new HttpHeader("access-control-allow-origin", ""),
            new HttpHeader("age", ""),
            new HttpHeader("allow", ""),
            new HttpHeader("authorization", ""),
            new HttpHeader("cache-control", ""),
            new HttpHeader("content-disposition", ""),
            new HttpHeader("content-encoding", ""),
            new HttpHeader("content-language", ""),
            new HttpHeader("content-length", ""),
            new HttpHeader("content-location", ""),
            new HttpHeader("content-range", ""),
            new HttpHeader("content-type", ""),
            new HttpHeader("cookie", ""),
            new HttpHeader("date", ""),
            new HttpHeader("etag", ""),
            new HttpHeader("expect", ""),
            new HttpHeader("expires", ""),
            new HttpHeader("from", ""),
            new HttpHeader("host", ""),
            new HttpHeader("if-match", ""),
            new HttpHeader("if-modified-since", ""),
            new HttpHeader("if-none-match", ""),
            new HttpHeader("if-range", ""),
            new HttpHeader("if-unmodified-since", ""),
            new HttpHeader("last-modified", ""),
            new HttpHeader("link", ""),
            new HttpHeader("location", ""),
            new HttpHeader("max-forwards", ""),
            new HttpHeader("proxy-authenticate", ""),
            new HttpHeader("proxy-authorization", ""),
            new HttpHeader("range", ""),
            new HttpHeader("referer", ""),
            new HttpHeader("refresh", ""),
            new HttpHeader("retry-after", ""),
            new HttpHeader("server", ""),
            new HttpHeader("set-cookie", ""),
            new HttpHeader("strict-transport-security", ""),
            new HttpHeader("transfer-encoding", ""),
            new HttpHeader("user-agent", ""),
            new HttpHeader("vary", ""),
            new HttpHeader("via", ""),
            new HttpHeader("www-authenticate", ""));

    /** How many entries there are: the dynamic table's indexes start after them. */
    static final int LENGTH = ENTRIES.size();

    private HpackStaticTable() {}

    /** The entry at {@code index}, 1 to {@link #LENGTH} as HPACK counts. */
    static HttpHeader get(int index) {
        return ENTRIES.get(index - 1);
    }
}
