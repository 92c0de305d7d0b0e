package dev.vc4j.internal;

import dev.vc4j.ContainerConfig;
import dev.vc4j.ContainerState;
import dev.vc4j.InvalidConfigException;
import dev.vc4j.InvalidStateException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The dependency rules between the containers of a sandbox: an order that starts every container after
 * its dependencies, and the check that a container's dependencies are running before it starts.
 */
public final class StartOrder {
    private StartOrder() {}

    /**
     * The ids in an order where each container comes after its dependencies; among independent ones the
     * given order is kept. Throws {@link InvalidConfigException} for a dependency on an unknown container
     * or a cycle, naming them.
     */
    public static List<String> of(Collection<ContainerConfig> containers) {
        Map<String, ContainerConfig> byId = new LinkedHashMap<>();
        containers.forEach(c -> byId.put(c.id(), c));
        Map<String, Boolean> done = new HashMap<>(); // false: in progress (on the current path), true: placed
        List<String> order = new ArrayList<>();
        for (String id : byId.keySet()) {
            visit(id, byId, done, new ArrayList<>(), order);
        }
        return order;
    }

    /** {@code containers}, each after its dependencies; among independent ones the given order is kept. */
    public static List<ContainerConfig> sorted(List<ContainerConfig> containers) {
        Map<String, ContainerConfig> byId = new LinkedHashMap<>();
        containers.forEach(c -> byId.put(c.id(), c));
        return of(containers).stream().map(byId::get).toList();
    }

    private static void visit(
            String id,
            Map<String, ContainerConfig> byId,
            Map<String, Boolean> done,
            List<String> path,
            List<String> order) {
        Boolean state = done.get(id);
        if (Boolean.TRUE.equals(state)) {
            return;
        }
        path.add(id);
        if (Boolean.FALSE.equals(state)) {
            throw new InvalidConfigException(
                    "dependencies",
                    String.join(" -> ", path.subList(path.indexOf(id), path.size())),
                    "the containers depend on each other in a cycle");
        }
        done.put(id, false);
        for (String dependency : byId.get(id).dependencies()) {
            if (!byId.containsKey(dependency)) {
                throw new InvalidConfigException(
                        "dependencies",
                        dependency,
                        "container `" + id + "` depends on a container the sandbox does not have");
            }
            visit(dependency, byId, done, path, order);
        }
        path.remove(path.size() - 1);
        done.put(id, true);
        order.add(id);
    }

    /**
     * Throws {@link InvalidStateException} listing every dependency of {@code container} that is not
     * running, with its state ({@code null}: it does not exist).
     */
    public static void requireDependenciesRunning(
            ContainerConfig container, ContainerState current, Map<String, ContainerState> states) {
        Map<String, ContainerState> notRunning = new LinkedHashMap<>();
        for (String dependency : container.dependencies()) {
            ContainerState state = states.get(dependency);
            if (state != ContainerState.RUNNING) {
                notRunning.put(dependency, state);
            }
        }
        if (!notRunning.isEmpty()) {
            String list = notRunning.entrySet().stream()
                    .map(e -> "`" + e.getKey() + "` ("
                            + (e.getValue() == null
                                    ? "missing"
                                    : e.getValue().name().toLowerCase(java.util.Locale.ROOT))
                            + ")")
                    .collect(Collectors.joining(", "));
            throw InvalidStateException.dependencies("container", container.id(), current, list);
        }
    }
}
