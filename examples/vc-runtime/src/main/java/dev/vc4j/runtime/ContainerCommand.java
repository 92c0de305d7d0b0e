package dev.vc4j.runtime;

import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** A command on one container: the global flags and the container's id, runc's first argument. */
abstract class ContainerCommand implements Callable<Integer> {
    @ParentCommand
    VcRuntime runtime;

    @Parameters(index = "0", paramLabel = "ID")
    String id;
}
