package dev.vc4j.oci;

import dev.vc4j.InvalidConfigException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigInteger;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every record's Builder: a setter per component that sets that one, and toBuilder() keeps every value. */
class BuildersTest {
    @Test
    void eachSetterSetsTheComponentItIsNamedAfterAndToBuilderKeepsThemAll() throws Exception {
        List<Class<?>> records = modelRecords();
        assertFalse(records.isEmpty());
        for (Class<?> type : records) {
            Object builder = type.getMethod("builder").invoke(null);
            Class<?> builderType = builder.getClass();
            for (RecordComponent component : type.getRecordComponents()) {
                Method setter = builderType.getMethod(component.getName(), component.getType());
                Object value = sample(component.getType());
                Object alone = setter.invoke(type.getMethod("builder").invoke(null), value);
                Object built = builderType.getMethod("build").invoke(alone);
                assertEquals(
                        value, component.getAccessor().invoke(built), type.getSimpleName() + "." + setter.getName());
                builder = setter.invoke(builder, value);
            }
            Object full = builderType.getMethod("build").invoke(builder);
            Object copy = builderType
                    .getMethod("build")
                    .invoke(type.getMethod("toBuilder").invoke(full));
            assertEquals(full, copy, type.getSimpleName());
            for (RecordComponent component : type.getRecordComponents()) {
                assertNotNull(component.getAccessor().invoke(copy), type.getSimpleName() + "." + component.getName());
            }
        }
    }

    @Test
    void aBuiltRecordIsCheckedByItsConstructor() {
        List<String> args = new ArrayList<>(List.of("sh"));
        args.add(null);
        InvalidConfigException e = assertThrows(
                InvalidConfigException.class,
                () -> OciProcess.builder().args(args).build());
        assertEquals("args[1]", e.field());
    }

    /** A value other than a default for a component of {@code type}; a nested record with nothing set. */
    private static Object sample(Class<?> type) throws ReflectiveOperationException {
        if (type == String.class) {
            return "v";
        }
        if (type == Long.class) {
            return 7L;
        }
        if (type == Integer.class) {
            return 7;
        }
        if (type == Boolean.class) {
            return true;
        }
        if (type == BigInteger.class) {
            return BigInteger.TEN;
        }
        if (type == List.class) {
            return List.of();
        }
        if (type == Map.class) {
            return Map.of("k", "v");
        }
        Object builder = type.getMethod("builder").invoke(null);
        return builder.getClass().getMethod("build").invoke(builder);
    }

    /** The public records of dev.vc4j.oci, as compiled. */
    private static List<Class<?>> modelRecords() throws IOException, URISyntaxException, ClassNotFoundException {
        Path dir = Path.of(Spec.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .resolve("dev/vc4j/oci");
        List<Class<?>> records = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".class") && !name.contains("$")) {
                    Class<?> type = Class.forName("dev.vc4j.oci." + name.substring(0, name.length() - 6));
                    if (type.isRecord() && Modifier.isPublic(type.getModifiers())) {
                        records.add(type);
                    }
                }
            }
        }
        return records;
    }
}
