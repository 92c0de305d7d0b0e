package dev.vc4j.it;

import dev.vc4j.ExecResult;
import dev.vc4j.Sandbox;

/**
 * The other process of {@link TwoProcessIT}: fetches a sandbox it did not create, runs a process in it and
 * deletes it. Prints the process's output; any failure ends this JVM with a stack trace and status 1.
 */
public final class SecondJvm {
    private SecondJvm() {}

    public static void main(String[] args) {
        Sandbox sandbox = TestStore.virtContainers().fetchSandbox(args[0]);
        ExecResult result = sandbox.exec("sh", "-c", "echo from the second JVM; hostname");
        System.out.print(result.stdoutText());
        sandbox.delete();
    }
}
