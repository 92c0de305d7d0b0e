package dev.vc4j.storage;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.vc4j.StorageException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

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
            .registerModule(new JavaTimeModule())
            .registerModule(new Jdk8Module())
            .registerModule(new SimpleModule()
                    .addSerializer(Path.class, new PathSerializer())
                    .addDeserializer(Path.class, new PathDeserializer()))
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

    /** Paths as plain strings, not Jackson's default file: URIs, so the files read well. */
    private static final class PathSerializer extends JsonSerializer<Path> {
        @Override
        public void serialize(Path value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeString(value.toString());
        }
    }

    private static final class PathDeserializer extends JsonDeserializer<Path> {
        @Override
        public Path deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return Path.of(p.getValueAsString());
        }
    }
}
