package dev.vc4j.it;

import dev.vc4j.NetworkConfig;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.VirtContainers;
import dev.vc4j.VmTemplates;

/**
 * The other process of {@link KilledPoolIT}: creates and deletes one sandbox with a warm pool of one, so that
 * the pool restores a clone, then waits to be killed.
 */
public final class PoolHolder {
    private PoolHolder() {}

    public static void main(String[] args) throws Exception {
        VirtContainers vc = VirtContainers.builder()
                .roots(TestStore.ROOTS)
                .templates(VmTemplates.transientTemplates().pool(1))
                .build();
        Sandbox sandbox = vc.createSandbox(SandboxConfig.builder()
                .id(args[0])
                .network(NetworkConfig.userMode())
                .build());
        sandbox.delete();
        System.out.println("created");
        Thread.sleep(Long.MAX_VALUE);
    }
}
