package dev.vc4j.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vc4j.InvalidConfigException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The model read from and written to JSON: what it keeps, and what it rejects with the JSON path named. */
class SpecTest {
    private static final ObjectMapper PLAIN = new ObjectMapper();

    private static String resource(String name) throws IOException {
        try (InputStream in = SpecTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static JsonNode tree(String json) throws IOException {
        return PLAIN.readTree(json);
    }

    @Test
    void aConfigWithUnknownFieldsAndVendorAnnotationsGoesThroughReadAndWriteJsonEqual() throws IOException {
        String json = resource("config-with-unknowns.json");
        Spec spec = Spec.parse(json);
        assertEquals(tree(json), tree(spec.toJson()));
        assertEquals(tree(json), tree(Spec.parse(spec.toJson()).toJson()), "a second round trip");
    }

    @Test
    void theKnownFieldsAreTypedAndTheUnknownOnesKeptWhereTheyWere() throws IOException {
        Spec spec = Spec.parse(resource("config-with-unknowns.json"));
        assertEquals(List.of("sh"), spec.process().args());
        assertEquals(List.of(10L, 20L), spec.process().user().additionalGids());
        assertEquals("kept", spec.process().user().otherFields().get("x-user-extra"));
        assertEquals(
                new BigInteger("18446744073709551615"),
                spec.process().rlimits().get(1).hard());
        assertEquals("{\"a\":1}", spec.annotations().get("com.example.vendor/x"));
        assertEquals(536870912L, spec.linux().resources().memory().limit());
        assertEquals(
                Map.of("closID", "guaranteed_group", "l3CacheSchema", "L3:0=7f0"),
                spec.linux().otherFields().get("intelRdt"));
        assertEquals(100000L, spec.mounts().get(7).uidMappings().get(0).hostId());
        assertTrue(spec.mounts().get(7).isBind() && spec.mounts().get(7).isReadOnly());
        assertEquals(5, spec.hooks().prestart().get(0).timeout());
        assertTrue(spec.otherFields().containsKey("windows"));
    }

    @Test
    void valuesAreImmutableDownToTheUnknownMembers() throws IOException {
        Spec spec = Spec.parse(resource("config-with-unknowns.json"));
        assertThrows(UnsupportedOperationException.class, () -> spec.mounts().clear());
        assertThrows(
                UnsupportedOperationException.class, () -> spec.annotations().put("k", "v"));
        @SuppressWarnings("unchecked")
        List<Object> nested =
                (List<Object>) ((Map<String, Object>) spec.otherFields().get("x-vendor-top")).get("nested");
        assertThrows(UnsupportedOperationException.class, () -> nested.add(3));
    }

    @Test
    void builtSpecsWriteOnlyWhatWasSetAndToBuilderKeepsTheRest() throws IOException {
        Spec spec = Spec.builder()
                .ociVersion("1.0.2")
                .process(OciProcess.builder()
                        .args("sh", "-c", "echo \"hi\"\n")
                        .user(User.builder().uid(0L).gid(0L).build())
                        .build())
                .root(Root.builder().path("rootfs").build())
                .linux(Linux.builder()
                        .namespaces(LinuxNamespace.of(LinuxNamespace.PID))
                        .cgroupsPath("/vc4j/c")
                        .build())
                .otherFields(Map.of("vendor", List.of(1)))
                .build();
        assertEquals(
                tree(
                        "{\"ociVersion\":\"1.0.2\",\"process\":{\"user\":{\"uid\":0,\"gid\":0},"
                                + "\"args\":[\"sh\",\"-c\",\"echo \\\"hi\\\"\\n\"]},\"root\":{\"path\":\"rootfs\"},"
                                + "\"linux\":{\"namespaces\":[{\"type\":\"pid\"}],\"cgroupsPath\":\"/vc4j/c\"},\"vendor\":[1]}"),
                tree(spec.toJson()));
        Spec changed = spec.toBuilder().hostname("h").build();
        assertEquals("h", changed.hostname());
        assertEquals(List.of(1), changed.otherFields().get("vendor"));
    }

    @Test
    void theStateObjectRoundTrips() throws IOException {
        State state = State.builder()
                .ociVersion("1.2.0")
                .id("c1")
                .status(State.CREATED)
                .pid(42L)
                .bundle("/b")
                .annotations(Map.of("k", "v"))
                .build();
        assertEquals(
                tree("{\"ociVersion\":\"1.2.0\",\"id\":\"c1\",\"status\":\"created\",\"pid\":42,"
                        + "\"bundle\":\"/b\",\"annotations\":{\"k\":\"v\"}}"),
                tree(state.toJson()));
        assertEquals(state, State.parse(state.toJson()));
    }

    private static InvalidConfigException rejected(String json) {
        return assertThrows(InvalidConfigException.class, () -> Spec.parse(json).validate());
    }

    private static void assertRejected(String field, String value, String json) {
        InvalidConfigException e = rejected(json);
        assertEquals(field, e.field(), e.getMessage());
        assertEquals(value, e.value(), e.getMessage());
    }

    @Test
    void malformedJsonIsNamedWithItsLineAndColumn() {
        InvalidConfigException e = rejected("{\n  \"ociVersion\": \"1.0.2\",\n  \"process\": {,\n}");
        assertEquals("config.json", e.field());
        assertEquals("line 3, column 15", e.value());
        assertTrue(e.getMessage().contains("is not valid JSON"), e.getMessage());
    }

    @Test
    void aValueOfTheWrongTypeIsNamedByItsJsonPath() {
        assertRejected(
                "mounts[3].source",
                "5",
                "{\"ociVersion\":\"1.0.2\",\"mounts\":[{\"destination\":\"/a\"},"
                        + "{\"destination\":\"/b\"},{\"destination\":\"/c\"},{\"destination\":\"/d\",\"source\":5}]}");
        assertRejected(
                "process.user.uid", "root", "{\"ociVersion\":\"1.0.2\",\"process\":{\"user\":{\"uid\":\"root\"}}}");
        assertRejected("process.user.uid", "1.5", "{\"ociVersion\":\"1.0.2\",\"process\":{\"user\":{\"uid\":1.5}}}");
        assertRejected("process.args", "sh", "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":\"sh\"}}");
        assertRejected("process.terminal", "1", "{\"ociVersion\":\"1.0.2\",\"process\":{\"terminal\":1}}");
        assertRejected("process.args[1]", "null", "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"sh\",null]}}");
        assertRejected("annotations.k", "null", "{\"ociVersion\":\"1.0.2\",\"annotations\":{\"k\":null}}");
        assertRejected("annotations.k", "5", "{\"ociVersion\":\"1.0.2\",\"annotations\":{\"k\":5}}");
        assertRejected("root", "[]", "{\"ociVersion\":\"1.0.2\",\"root\":[]}");
    }

    @Test
    void aDocumentThatIsNotAnObjectOrHasAKeyTwiceIsRejected() {
        assertRejected("config.json", "[]", "[]");
        InvalidConfigException twice = rejected("{\"ociVersion\":\"1.0.2\",\"hostname\":\"a\",\"hostname\":\"b\"}");
        assertEquals("config.json", twice.field());
        assertTrue(twice.getMessage().contains("hostname"), twice.getMessage());
    }

    @Test
    void anOciVersionOtherThanOneIsRejected() {
        assertRejected("ociVersion", "2.0.0", "{\"ociVersion\":\"2.0.0\"}");
        assertRejected(
                "ociVersion",
                "111111111111111111111111111.0.2",
                "{\"ociVersion\":\"111111111111111111111111111.0.2\"}");
        assertRejected("ociVersion", "0.6.0", "{\"ociVersion\":\"0.6.0\"}");
        assertRejected("ociVersion", "one", "{\"ociVersion\":\"one\"}");
        assertRejected("ociVersion", "null", "{}");
        Spec.parse("{\"ociVersion\":\"1.1.0-rc.1\"}").validate();
    }

    @Test
    void aMountDestinationMustBeAbsoluteAndStayInTheRootfs() {
        assertRejected(
                "mounts[0].destination", "tmp", "{\"ociVersion\":\"1.0.2\",\"mounts\":[{\"destination\":\"tmp\"}]}");
        assertRejected(
                "mounts[1].destination",
                "/data/../../etc",
                "{\"ociVersion\":\"1.0.2\",\"mounts\":["
                        + "{\"destination\":\"/a\"},{\"destination\":\"/data/../../etc\"}]}");
        assertRejected("mounts[0].destination", "null", "{\"ociVersion\":\"1.0.2\",\"mounts\":[{\"type\":\"tmpfs\"}]}");
    }

    @Test
    void anUnknownNamespaceTypeIsRejected() {
        assertRejected(
                "linux.namespaces[1].type",
                "net",
                "{\"ociVersion\":\"1.0.2\",\"linux\":{\"namespaces\":[" + "{\"type\":\"pid\"},{\"type\":\"net\"}]}}");
        assertRejected(
                "linux.namespaces[0].type",
                "null",
                "{\"ociVersion\":\"1.0.2\",\"linux\":{\"namespaces\":[{\"path\":\"/proc/1/ns/net\"}]}}");
    }

    @Test
    void aNumberBeyondADoubleIsRejectedEvenInAnUnknownField() {
        assertRejected(
                "x-vendor.sizes[1]", "Infinity", "{\"ociVersion\":\"1.0.2\",\"x-vendor\":{\"sizes\":[1,1e400]}}");
    }

    @Test
    void hookPathsMustBeAbsoluteAndTimeoutsPositive() {
        assertRejected(
                "hooks.poststart[0].path",
                "true",
                "{\"ociVersion\":\"1.0.2\",\"hooks\":{\"poststart\":[" + "{\"path\":\"true\"}]}}");
        assertRejected(
                "hooks.prestart[0].timeout",
                "0",
                "{\"ociVersion\":\"1.0.2\",\"hooks\":{\"prestart\":[" + "{\"path\":\"/bin/true\",\"timeout\":0}]}}");
    }

    @Test
    void aSpecGivenAsAConfigFieldIsNamedUnderIt() {
        InvalidConfigException e =
                assertThrows(InvalidConfigException.class, () -> Spec.parse("{\"hostname\":7}", "ociSpec"));
        assertEquals("ociSpec.hostname", e.field());
        InvalidConfigException malformed = assertThrows(InvalidConfigException.class, () -> Spec.parse("{", "ociSpec"));
        assertEquals("ociSpec", malformed.field());
    }
}
