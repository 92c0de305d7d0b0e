package dev.vc4j.storage;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.vc4j.StorageException;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * The on-disk form of every stored file: {@code {"formatVersion": N, "data": {...}}}. A file written by a
 * newer vc4j (a higher version) is refused rather than half understood; one of an older version is read as
 * it is brought up to this one.
 *
 * <p>Version 2 dropped the block indices of version 1 (a sandbox state's {@code blockIndices}, a container
 * state's {@code blockIndex}): a drive's index comes from the VM's own lists. Version 3 holds a container
 * config's {@code ociSpec} as the spec's JSON object, where the versions before held its text.
 */
final class VersionedJson {
    static final int FORMAT_VERSION = 3;
    private static final int OLDEST_READ = 1;
    private static final List<String> DROPPED_IN_2 = List.of("blockIndices", "blockIndex");

    private static final ObjectMapper MAPPER = new ObjectMapper()
            // Durations, instants and paths as their ISO or plain text: what jackson-datatype-jsr310 wrote before,
            // without its serializers of every java.time type, which the shim would load and keep
            .registerModule(new SimpleModule()
                    .addSerializer(Duration.class, ToStringSerializer.instance)
                    .addDeserializer(Duration.class, new TextDeserializer<>(Duration.class, Duration::parse))
                    .addSerializer(Instant.class, ToStringSerializer.instance)
                    .addDeserializer(Instant.class, new TextDeserializer<>(Instant.class, Instant::parse))
                    .addSerializer(Path.class, ToStringSerializer.instance)
                    .addDeserializer(Path.class, new TextDeserializer<>(Path.class, Path::of)))
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private VersionedJson() {}

    static byte[] encode(Object value) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("formatVersion", FORMAT_VERSION);
        root.set("data", MAPPER.valueToTree(value));
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    static <T> T decode(byte[] content, Class<T> type, Path file) {
        JsonNode root;
        try {
            root = MAPPER.readTree(content);
        } catch (IOException e) {
            throw new StorageException("cannot parse (truncated or not JSON)", file, e);
        }
        if (root == null || !root.isObject() || !root.path("formatVersion").isInt() || !root.has("data")) {
            throw new StorageException("not a vc4j file (no formatVersion and data)", file, null);
        }
        int version = root.get("formatVersion").intValue();
        if (version < OLDEST_READ || version > FORMAT_VERSION) {
            throw new StorageException(
                    "unsupported format version " + version + " (this vc4j reads versions " + OLDEST_READ + " to "
                            + FORMAT_VERSION + ") in",
                    file,
                    null);
        }
        JsonNode data = root.get("data");
        if (version < 2 && data.isObject()) {
            ((ObjectNode) data).remove(DROPPED_IN_2);
        }
        try {
            if (version < 3) {
                specsAsObjects(data);
            }
            return MAPPER.treeToValue(data, type);
        } catch (IOException | IllegalArgumentException e) {
            throw new StorageException("invalid content in", file, e);
        }
    }

    /** A container config's spec text (in a sandbox config, each of its containers') as the JSON it holds. */
    private static void specsAsObjects(JsonNode data) throws IOException {
        if (data.path("ociSpec").isTextual()) {
            ((ObjectNode) data)
                    .set("ociSpec", MAPPER.readTree(data.get("ociSpec").textValue()));
        }
        for (JsonNode container : data.path("containers")) {
            specsAsObjects(container);
        }
    }

    /** A value read from its text; text it does not parse is an error naming the type, not a raw exception. */
    private static final class TextDeserializer<T> extends JsonDeserializer<T> {
        private final Class<T> type;
        private final Function<String, T> parse;

        TextDeserializer(Class<T> type, Function<String, T> parse) {
            this.type = type;
            this.parse = parse;
        }

        @Override
        public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.hasToken(JsonToken.VALUE_STRING)) {
                return type.cast(ctxt.handleUnexpectedToken(type, p));
            }
            String text = p.getText();
            try {
                return parse.apply(text);
            } catch (RuntimeException e) {
                throw ctxt.weirdStringException(text, type, e.getMessage());
            }
        }
    }
}
