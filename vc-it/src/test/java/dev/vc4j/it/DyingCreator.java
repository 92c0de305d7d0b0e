package dev.vc4j.it;

import dev.vc4j.SandboxConfig;

/**
 * The other process of {@link KilledCreateIT}: creates the sandbox {@code args[0]}, and is killed by the test
 * while it waits for the agent. Prints "created" if it ever gets that far.
 */
public final class DyingCreator {
    private DyingCreator() {}

    public static void main(String[] args) {
        TestStore.virtContainers()
                .createSandbox(SandboxConfig.builder().id(args[0]).build());
        System.out.println("created");
    }
}
