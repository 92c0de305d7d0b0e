package dev.vc4j.runtime;

import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The flags of one command, declared as runc declares them: a long name, maybe a one-letter alias, and a value or
 * none. Every command has {@code --help}.
 */
final class Flags {
    private final Options options = new Options();
    private final List<String[]> usage = new ArrayList<>();

    Flags() {
        bool("help", "h", "Show this help.");
    }

    /** A flag without a value: present or not. */
    Flags bool(String name, String letter, String description) {
        return add(Option.builder(letter).longOpt(name).desc(description).build(), "");
    }

    /** A flag with a value; given more than once, the last one counts (runc's rule), or all for a list. */
    Flags value(String name, String letter, String label, String description) {
        return add(
                Option.builder(letter)
                        .longOpt(name)
                        .hasArg()
                        .argName(label)
                        .desc(description)
                        .build(),
                " " + label);
    }

    private Flags add(Option option, String label) {
        options.addOption(option);
        String names = "--" + option.getLongOpt() + label + (option.getOpt() == null ? "" : ", -" + option.getOpt());
        usage.add(new String[] {names, option.getDescription()});
        return this;
    }

    Options options() {
        return options;
    }

    void printUsage(PrintStream out) {
        int width = usage.stream().mapToInt(u -> u[0].length()).max().orElse(0);
        for (String[] u : usage) {
            out.printf("   %-" + width + "s  %s%n", u[0], u[1]);
        }
    }
}
