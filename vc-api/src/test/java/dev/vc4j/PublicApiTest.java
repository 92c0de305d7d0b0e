package dev.vc4j;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What embedders program against takes and returns dev.vc4j types only. The SPI (dev.vc4j.spi) is for the
 * modules that implement it, and shows in the public API only where an embedder passes its own implementation;
 * the engine (dev.vc4j.internal) never does (the module does not export it: ModuleBoundaryTest in examples).
 */
class PublicApiTest {
    /** VirtContainers.Builder's store, hypervisor, agent and network: an embedder's own implementations. */
    private static final Class<?> INJECTION_POINTS = VirtContainers.Builder.class;

    @Test
    void noPublicMethodOrConstructorOfTheApiTakesOrReturnsAnSpiOrEngineType() throws IOException, URISyntaxException {
        List<Class<?>> classes = apiClasses();
        assertTrue(classes.contains(Container.class) && classes.contains(Sandbox.class), classes.toString());
        List<String> leaks = new ArrayList<>();
        for (Class<?> type : classes) {
            if (!Modifier.isPublic(type.getModifiers()) || type == INJECTION_POINTS) {
                continue;
            }
            for (Method m : type.getMethods()) {
                if (m.getDeclaringClass() == type) {
                    check(m, m.getGenericReturnType(), leaks);
                }
            }
            for (Constructor<?> c : type.getConstructors()) {
                check(c, null, leaks);
            }
        }
        assertEquals(List.of(), leaks);
    }

    private static void check(Executable member, Type returned, List<String> leaks) {
        List<Type> types = new ArrayList<>(List.of(member.getGenericParameterTypes()));
        if (returned != null) {
            types.add(returned);
        }
        if (types.stream().anyMatch(t -> t.getTypeName().matches(".*dev\\.vc4j\\.(spi|internal)\\..*"))) {
            leaks.add(member.toGenericString());
        }
    }

    /** Every class compiled into dev.vc4j (not its sub-packages), nested ones included. */
    private static List<Class<?>> apiClasses() throws IOException, URISyntaxException {
        Path dir = Path.of(Sandbox.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .resolve("dev/vc4j");
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = f.getFileName().toString();
                try {
                    classes.add(Class.forName("dev.vc4j." + name.substring(0, name.length() - ".class".length())));
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return classes;
    }
}
