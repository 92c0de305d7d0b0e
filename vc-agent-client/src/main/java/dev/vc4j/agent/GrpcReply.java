package dev.vc4j.agent;

import com.google.rpc.Code;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * What a finished HTTP/2 stream means as a unary gRPC reply: the one message of a call that succeeded, or a
 * {@link GrpcFailure} with the status the agent sent. The agent is not trusted to have followed the protocol;
 * whatever it sent that is not a well-formed reply is an INTERNAL failure saying what was wrong.
 */
final class GrpcReply {
    /** The five bytes before every gRPC message: a compressed flag and a length. */
    static final int PREFIX_BYTES = 5;

    private GrpcReply() {}

    /**
     * The reply's message from the response {@code headers}, the {@code trailers} (null for a Trailers-Only reply,
     * whose status is in the headers) and the DATA the stream carried.
     */
    static byte[] message(List<HttpHeader> headers, List<HttpHeader> trailers, byte[] body) throws GrpcFailure {
        String status = value(headers, ":status");
        if (!"200".equals(status)) {
            throw new GrpcFailure(httpCode(status), "the agent answered HTTP status " + status, null);
        }
        List<HttpHeader> ending = trailers != null ? trailers : headers;
        String grpcStatus = value(ending, "grpc-status");
        if (grpcStatus == null) {
            throw new GrpcFailure(Code.INTERNAL, "the agent's reply has no grpc-status", null);
        }
        Code code = code(grpcStatus);
        if (code != Code.OK) {
            throw new GrpcFailure(
                    code,
                    percentDecoded(value(ending, "grpc-message")),
                    base64(value(ending, "grpc-status-details-bin")),
                    null);
        }
        if (body.length < PREFIX_BYTES) {
            throw new GrpcFailure(Code.INTERNAL, "the agent's reply has no message (" + body.length + " bytes)", null);
        }
        if (body[0] != 0) {
            throw new GrpcFailure(Code.INTERNAL, "the agent's reply is compressed, which was not asked for", null);
        }
        long length = Integer.toUnsignedLong(Http2.getInt(body, 1));
        if (length != body.length - PREFIX_BYTES) {
            throw new GrpcFailure(
                    Code.INTERNAL,
                    "the agent's reply announces " + length + " bytes and carries " + (body.length - PREFIX_BYTES),
                    null);
        }
        byte[] message = new byte[body.length - PREFIX_BYTES];
        System.arraycopy(body, PREFIX_BYTES, message, 0, message.length);
        return message;
    }

    /** A request message with its prefix. */
    static byte[] framed(byte[] message) {
        byte[] framed = new byte[PREFIX_BYTES + message.length];
        Http2.putInt(framed, 1, message.length);
        System.arraycopy(message, 0, framed, PREFIX_BYTES, message.length);
        return framed;
    }

    private static String value(List<HttpHeader> headers, String name) {
        for (HttpHeader header : headers) {
            if (header.name().equals(name)) {
                return header.value();
            }
        }
        return null;
    }

    /** gRPC's mapping of the HTTP statuses a proxy or a broken server might answer. */
    private static Code httpCode(String status) {
        return switch (status == null ? "" : status) {
            case "400" -> Code.INTERNAL;
            case "401" -> Code.UNAUTHENTICATED;
            case "403" -> Code.PERMISSION_DENIED;
            case "404" -> Code.UNIMPLEMENTED;
            case "429", "502", "503", "504" -> Code.UNAVAILABLE;
            default -> Code.UNKNOWN;
        };
    }

    private static Code code(String grpcStatus) {
        try {
            Code code = Code.forNumber(Integer.parseInt(grpcStatus));
            return code == null ? Code.UNKNOWN : code;
        } catch (NumberFormatException e) {
            return Code.UNKNOWN;
        }
    }

    /** grpc-message is UTF-8 with its unsafe bytes as %XX; a malformed escape is kept as it is. */
    static String percentDecoded(String text) {
        if (text == null) {
            return "";
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int high = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
            int low = high >= 0 ? Character.digit(text.charAt(i + 2), 16) : -1;
            if (c == '%' && low >= 0) {
                bytes.write(high << 4 | low);
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Binary headers are base64, padded or not; bytes that do not decode are no details at all. */
    private static byte[] base64(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
