package dev.vc4j.it;

import dev.vc4j.Cmd;
import dev.vc4j.ContainerConfig;
import dev.vc4j.Rootfs;
import dev.vc4j.Sandbox;
import dev.vc4j.SandboxConfig;
import dev.vc4j.VirtContainers;
import dev.vc4j.Volume;

import java.nio.file.Path;

/**
 * The JVM {@link CrashHarnessIT} kills: sandbox after sandbox through their whole life, announcing each step on
 * stdout before it takes it, so that the harness can kill it inside the step of its choice.
 */
public final class CrashVictim {
    static final String STEP = "STEP ";

    private CrashVictim() {}

    public static void main(String[] args) {
        Path rootfs = Path.of(args[0]);
        VirtContainers vc = TestStore.virtContainers();
        while (true) {
            step("create");
            Sandbox sandbox = vc.createSandbox(SandboxConfig.builder()
                    .id(TestStore.uniqueId("crash"))
                    .volume(new Volume("rootfs", rootfs))
                    .build());
            step("container");
            sandbox.createContainer(ContainerConfig.builder()
                    .id("sleeper")
                    .cmd(Cmd.builder().args("sleep", "1000").build())
                    .rootfs(Rootfs.directory(rootfs))
                    .build());
            step("start");
            sandbox.start();
            step("exec");
            sandbox.exec("true");
            step("pause");
            sandbox.pause();
            step("resume");
            sandbox.resume();
            step("stop");
            sandbox.stop();
            step("delete");
            sandbox.delete();
        }
    }

    private static void step(String name) {
        System.out.println(STEP + name);
        System.out.flush();
    }
}
