package dev.vc4j.it;

import dev.vc4j.GuestImage;
import dev.vc4j.Hook;
import dev.vc4j.Hooks;
import dev.vc4j.NetworkConfig;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.VirtContainers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JVM the netns tests kill: creates sandbox {@code args[0]} in the network namespace {@code args[1]}, or with
 * {@value #NEW} in one vc4j creates and the prestart hook {@code args[2]}, says {@value #READY}, and waits to be
 * killed.
 */
public final class NetnsSandboxJvm {
    static final String READY = "sandbox ready";
    static final String NEW = "new";

    private NetnsSandboxJvm() {}

    public static void main(String[] args) throws InterruptedException {
        SandboxConfig.Builder config = SandboxConfig.builder().id(args[0]);
        if (args[1].equals(NEW)) {
            config.network(NetworkConfig.newNamespace())
                    .hooks(new Hooks(List.of(Hook.of(Path.of(args[2]))), List.of(), List.of()));
        } else {
            config.network(NetworkConfig.namespace(Path.of(args[1])));
        }
        TestStore.virtContainers().createSandbox(config.build());
        System.out.println(READY);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    /**
     * Runs this JVM with {@code args} (its output to {@code out}) until its sandbox is ready, then SIGKILLs it and
     * the sandbox's QEMU, as a host crash would leave them: returns the orphaned sandbox, fetched anew.
     */
    static Sandbox createdThenKilled(Path out, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + TestStore.ROOT_PROPERTY + "=" + TestStore.ROOT,
                "-D" + GuestImage.DIR_PROPERTY + "=" + System.getProperty(GuestImage.DIR_PROPERTY),
                "-cp",
                System.getProperty("java.class.path"),
                NetnsSandboxJvm.class.getName()));
        command.addAll(List.of(args));
        Process creator = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            while (!Files.readString(out).contains(READY)) {
                assertTrue(creator.isAlive(), "the creating JVM ended: " + Files.readString(out));
                assertTrue(System.nanoTime() - deadline < 0, "no sandbox within 180 s: " + Files.readString(out));
                Thread.sleep(200);
            }
        } finally {
            creator.destroyForcibly().waitFor(); // SIGKILL
        }
        VirtContainers vc = TestStore.virtContainers();
        Sandbox orphan = vc.fetchSandbox(args[0]);
        long qemu = orphan.status().hypervisorPid();
        ProcessHandle.of(qemu).ifPresent(ProcessHandle::destroyForcibly); // the rest of the crash
        long gone = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (ProcessHandle.of(qemu).map(ProcessHandle::isAlive).orElse(false)) {
            assertTrue(System.nanoTime() - gone < 0, "QEMU outlived SIGKILL");
            Thread.sleep(50);
        }
        return orphan;
    }
}
