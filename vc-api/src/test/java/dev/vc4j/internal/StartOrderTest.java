package dev.vc4j.internal;

import dev.vc4j.Cmd;
import dev.vc4j.ContainerConfig;
import dev.vc4j.ContainerState;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.InvalidStateException;
import dev.vc4j.Rootfs;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StartOrderTest {

    private static ContainerConfig container(String id, String... dependencies) {
        ContainerConfig.Builder b = ContainerConfig.builder()
                .id(id)
                .cmd(Cmd.builder().args("true").build())
                .rootfs(Rootfs.directory(Path.of("/rootfs/" + id)));
        for (String d : dependencies) {
            b.dependsOn(d);
        }
        return b.build();
    }

    @Test
    void dependenciesComeFirstAndIndependentContainersKeepTheirOrder() {
        List<String> order = StartOrder.of(List.of(
                container("web", "db", "cache"), container("db"), container("cache", "db"), container("sidecar")));
        assertEquals(List.of("db", "cache", "web", "sidecar"), order);
    }

    @Test
    void aCycleIsAConfigErrorShowingIt() {
        InvalidConfigException e = assertThrows(
                InvalidConfigException.class,
                () -> StartOrder.of(List.of(container("a", "b"), container("b", "c"), container("c", "a"))));
        assertEquals("dependencies", e.field());
        assertEquals("a -> b -> c -> a", e.value());
    }

    @Test
    void anUnknownDependencyIsAConfigErrorNamingIt() {
        InvalidConfigException e =
                assertThrows(InvalidConfigException.class, () -> StartOrder.of(List.of(container("web", "db"))));
        assertEquals("db", e.value());
    }

    @Test
    void aContainerWhoseDependenciesAreNotRunningDoesNotStartAndTheErrorListsThem() {
        ContainerConfig web = container("web", "db", "cache", "queue");
        Map<String, ContainerState> states = Map.of("db", ContainerState.RUNNING, "cache", ContainerState.STOPPED);
        InvalidStateException e = assertThrows(
                InvalidStateException.class,
                () -> StartOrder.requireDependenciesRunning(web, ContainerState.READY, states));
        assertTrue(e.getMessage().contains("`cache` (stopped), `queue` (missing)"), e.getMessage());
        assertTrue(!e.getMessage().contains("`db`"), e.getMessage());
        assertEquals(ContainerState.READY, e.current());

        StartOrder.requireDependenciesRunning(
                web,
                ContainerState.READY,
                Map.of("db", ContainerState.RUNNING, "cache", ContainerState.RUNNING, "queue", ContainerState.RUNNING));
    }
}
