package dev.vc4j.it;

import dev.vc4j.ContainerStatus;
import dev.vc4j.Sandbox;

/**
 * The other process of {@link ContainersIT}'s exit test: fetches a sandbox it did not create and prints one
 * container's state and exit code as its status shows them.
 */
public final class ContainerStatusJvm {
    private ContainerStatusJvm() {}

    public static void main(String[] args) {
        try (Sandbox sandbox = TestStore.virtContainers().fetchSandbox(args[0])) {
            ContainerStatus status = sandbox.container(args[1]).status();
            System.out.println(status.state() + " " + status.exitCode());
        }
    }
}
