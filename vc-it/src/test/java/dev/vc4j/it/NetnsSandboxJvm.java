package dev.vc4j.it;

import dev.vc4j.NetworkConfig;
import dev.vc4j.SandboxConfig;

import java.nio.file.Path;

/**
 * The JVM {@link NetnsIT} kills: creates sandbox {@code args[0]} in the network namespace {@code args[1]}, says
 * {@value #READY}, and waits to be killed.
 */
public final class NetnsSandboxJvm {
    static final String READY = "sandbox ready";

    private NetnsSandboxJvm() {}

    public static void main(String[] args) throws InterruptedException {
        TestStore.virtContainers()
                .createSandbox(SandboxConfig.builder()
                        .id(args[0])
                        .network(NetworkConfig.namespace(Path.of(args[1])))
                        .build());
        System.out.println(READY);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
