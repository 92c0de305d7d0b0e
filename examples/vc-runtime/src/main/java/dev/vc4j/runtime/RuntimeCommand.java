package dev.vc4j.runtime;

import java.io.PrintStream;
import java.util.List;

/**
 * One command of vc-runtime: its name, positional arguments (their usage and how many), flags, and what runs it.
 * A hidden command is vc-runtime's own (the shim, an exec's relay), not the engines'.
 */
record RuntimeCommand(
        String name,
        String arguments,
        String description,
        int minArguments,
        int maxArguments,
        Flags flags,
        boolean hidden,
        Body body) {
    static final int ANY = Integer.MAX_VALUE;

    /** What the command does with the global flags and its own arguments; returns the exit code. */
    interface Body {
        int run(VcRuntime runtime, Arguments arguments) throws Exception;
    }

    /** A command on exactly one container: runc's {@code COMMAND [flags] <container-id>}. */
    static RuntimeCommand onContainer(String name, String description, Flags flags, Body body) {
        return new RuntimeCommand(name, "<container-id>", description, 1, 1, flags, false, body);
    }

    /** runc's argument count check, with runc's message. */
    void checkArguments(List<String> positionals) {
        int count = positionals.size();
        String problem = null;
        if (minArguments == maxArguments && count != minArguments) {
            problem = "exactly " + minArguments;
        } else if (count < minArguments) {
            problem = "a minimum of " + minArguments;
        } else if (count > maxArguments) {
            problem = "a maximum of " + maxArguments;
        }
        if (problem != null) {
            throw new RuntimeFailure("vc-runtime: \"" + name + "\" requires " + problem + " argument(s)");
        }
    }

    void printUsage(PrintStream out) {
        out.println("NAME:");
        out.println("   vc-runtime " + name + " - " + description);
        out.println();
        out.println("USAGE:");
        out.println("   vc-runtime " + name + " [command options] " + arguments);
        out.println();
        out.println("OPTIONS:");
        flags.printUsage(out);
    }
}
