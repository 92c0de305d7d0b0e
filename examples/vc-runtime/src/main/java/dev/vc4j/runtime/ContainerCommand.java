package dev.vc4j.runtime;

import java.util.concurrent.Callable;

/** A command on one container: the global flags and the container's id, runc's first argument. */
abstract class ContainerCommand implements Callable<Integer> {
    final VcRuntime runtime;
    final String id;

    ContainerCommand(VcRuntime runtime, String id) {
        this.runtime = runtime;
        this.id = id;
    }

    ContainerCommand(VcRuntime runtime, Arguments arguments) {
        this(runtime, arguments.positionals().get(0));
    }
}
