package dev.vc4j.examples;

import dev.vc4j.BootTimings;
import dev.vc4j.Container;
import dev.vc4j.ContainerConfig;
import dev.vc4j.ContainerProcess;
import dev.vc4j.GuestDetails;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.VirtContainers;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Runs a container from an OCI bundle (a busybox rootfs made on the host, a config.json written by
 * {@code crun spec}) in a sandbox, prints its output and where the time went, and deletes both.
 * {@code make demo} runs it. vc4j's log goes to stderr at INFO, or with {@code --debug} ({@code make demo DEBUG=1})
 * at DEBUG: see logback.xml beside it.
 */
public final class Demo {
    /** What logback.xml reads for vc4j's level; set before the first logger is made. */
    private static final String LOG_LEVEL_PROPERTY = "vc4j.log";

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** crun spec makes the root read-only: the write fails. */
    private static final List<String> COMMAND = List.of(
            "sh",
            "-c",
            "echo hello from container $(hostname), in a VM;"
                    + " uname -a; touch /written 2>&1 || echo the rootfs is read-only, as config.json says");

    private Demo() {}

    public static void main(String[] args) throws Exception {
        for (String arg : args) {
            if (!arg.equals("--debug")) {
                System.err.println("usage: Demo [--debug]");
                System.exit(2);
            }
            System.setProperty(LOG_LEVEL_PROPERTY, "DEBUG");
        }
        Path bundle = DemoBundle.make(Files.createTempDirectory("vc4j-demo-bundle"), COMMAND);
        try {
            run(bundle);
        } finally {
            DemoBundle.remove(bundle);
        }
    }

    private static void run(Path bundle) throws Exception {
        VirtContainers vc = VirtContainers.create();
        String id = "demo-" + ProcessHandle.current().pid();
        ContainerConfig config = ContainerConfig.fromBundle(bundle).id("demo").build();

        long started = System.nanoTime();
        Sandbox sandbox = vc.createSandbox(SandboxConfig.builder().id(id).build());
        try (sandbox) {
            BootTimings boot = sandbox.bootTimings();
            GuestDetails guest = sandbox.guestDetails();
            System.out.printf(
                    "sandbox %s ready (%s, %d MiB guest RAM, agent %s)%n",
                    id, sandbox.status().accelerator(), guest.memTotalKib() / 1024, guest.agentVersion());

            long createStarted = System.nanoTime();
            Container container = sandbox.createContainer(config);
            long runStarted = System.nanoTime();
            int exitCode;
            try (ContainerProcess process = container.process()) {
                container.start();
                System.out.print(new String(process.stdout().readAllBytes(), StandardCharsets.UTF_8));
                exitCode = process.waitFor(WAIT);
            }
            long runEnded = System.nanoTime();
            container.waitForExit(WAIT);
            container.delete();
            long containerDeleted = System.nanoTime();
            if (exitCode != 0) {
                throw new IllegalStateException("the container exited with status " + exitCode);
            }

            System.out.printf(
                    "timing: qemu start -> QMP ready    %6d ms%n",
                    boot.qmpReady().toMillis());
            System.out.printf(
                    "timing: qemu start -> agent ready  %6d ms%n",
                    boot.agentReady().toMillis());
            System.out.printf(
                    "timing: createSandbox total        %6d ms%n", boot.total().toMillis());
            System.out.printf("timing: createContainer (bundle)   %6d ms%n", millis(createStarted, runStarted));
            System.out.printf("timing: container start -> exit    %6d ms%n", millis(runStarted, runEnded));
            System.out.printf("timing: delete container           %6d ms%n", millis(runEnded, containerDeleted));
        } finally {
            long deleteStarted = System.nanoTime();
            sandbox.delete();
            System.out.printf("timing: delete sandbox             %6d ms%n", millis(deleteStarted, System.nanoTime()));
            System.out.printf("timing: total                      %6d ms%n", millis(started, System.nanoTime()));
        }
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }
}
