package dev.vc4j.examples;

import dev.vc4j.BootTimings;
import dev.vc4j.ExecResult;
import dev.vc4j.GuestDetails;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.VirtContainers;

/**
 * Boots a sandbox, runs {@code uname -a} in the guest, prints its output and where the time went, and
 * deletes the sandbox. {@code make demo} runs it. vc4j's log goes to stderr at INFO, or with {@code --debug}
 * ({@code make demo DEBUG=1}) at DEBUG: see logback.xml beside it.
 */
public final class Demo {
    /** What logback.xml reads for vc4j's level; set before the first logger is made. */
    private static final String LOG_LEVEL_PROPERTY = "vc4j.log";

    private Demo() {
    }

    public static void main(String[] args) {
        for (String arg : args) {
            if (!arg.equals("--debug")) {
                System.err.println("usage: Demo [--debug]");
                System.exit(2);
            }
            System.setProperty(LOG_LEVEL_PROPERTY, "DEBUG");
        }
        VirtContainers vc = VirtContainers.create();
        String id = "demo-" + ProcessHandle.current().pid();
        SandboxConfig config = SandboxConfig.builder().id(id).build();

        long started = System.nanoTime();
        Sandbox sandbox = vc.createSandbox(config);
        try (sandbox) {
            BootTimings boot = sandbox.bootTimings();
            GuestDetails guest = sandbox.guestDetails();
            System.out.printf("sandbox %s ready (%s, %d MiB guest RAM, agent %s)%n", id,
                    sandbox.status().accelerator(), guest.memTotalKib() / 1024, guest.agentVersion());

            long execStarted = System.nanoTime();
            ExecResult uname = sandbox.exec("uname", "-a");
            long execMillis = (System.nanoTime() - execStarted) / 1_000_000;
            System.out.print(uname.stdoutText());
            if (!uname.succeeded()) {
                System.err.print(uname.stderrText());
                throw new IllegalStateException("uname exited with status " + uname.exitCode());
            }

            System.out.printf("timing: qemu start -> QMP ready    %6d ms%n", boot.qmpReady().toMillis());
            System.out.printf("timing: qemu start -> agent ready  %6d ms%n", boot.agentReady().toMillis());
            System.out.printf("timing: createSandbox total        %6d ms%n", boot.total().toMillis());
            System.out.printf("timing: exec uname -a              %6d ms%n", execMillis);
        } finally {
            long deleteStarted = System.nanoTime();
            sandbox.delete();
            System.out.printf("timing: delete                     %6d ms%n", (System.nanoTime() - deleteStarted) / 1_000_000);
            System.out.printf("timing: total                      %6d ms%n", (System.nanoTime() - started) / 1_000_000);
        }
    }
}
