package dev.vc4j.runtime;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.MissingArgumentException;
import org.apache.commons.cli.ParseException;
import org.apache.commons.cli.UnrecognizedOptionException;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** One command line parsed against a command's {@link Flags}: the flags' values and the positional arguments. */
final class Arguments {
    private final CommandLine parsed;

    private Arguments(CommandLine parsed) {
        this.parsed = parsed;
    }

    /**
     * Parses {@code args}: flags first, as runc takes them, and everything from the first positional argument on
     * is positional (the global flags before the command; exec's command line after the container id).
     */
    static Arguments parse(Flags flags, List<String> args) {
        // no abbreviations: --forc is not --force, as in runc
        DefaultParser parser =
                DefaultParser.builder().setAllowPartialMatching(false).get();
        try {
            CommandLine parsed = parser.parse(flags.options(), args.toArray(String[]::new), true);
            // stopping at the first argument, commons-cli takes an unknown flag for that argument
            List<String> positionals = parsed.getArgList();
            if (!positionals.isEmpty()
                    && positionals.get(0).startsWith("-")
                    && positionals.get(0).length() > 1) {
                throw new RuntimeFailure("flag provided but not defined: " + positionals.get(0));
            }
            return new Arguments(parsed);
        } catch (UnrecognizedOptionException e) {
            throw new RuntimeFailure("flag provided but not defined: " + e.getOption(), e);
        } catch (MissingArgumentException e) {
            throw new RuntimeFailure(
                    "flag needs an argument: --" + e.getOption().getLongOpt(), e);
        } catch (ParseException e) {
            throw new RuntimeFailure(e.getMessage(), e);
        }
    }

    boolean flag(String name) {
        return parsed.hasOption(name);
    }

    /** The flag's value; the last one when it was given more than once. */
    Optional<String> value(String name) {
        String[] values = parsed.getOptionValues(name);
        return values == null ? Optional.empty() : Optional.of(values[values.length - 1]);
    }

    /** Every value of a flag that may be given more than once, in order. */
    List<String> values(String name) {
        String[] values = parsed.getOptionValues(name);
        return values == null ? List.of() : List.of(values);
    }

    Path path(String name) {
        return value(name).map(Path::of).orElse(null);
    }

    Long number(String name) {
        return value(name).map(v -> parseNumber(name, v)).orElse(null);
    }

    private static long parseNumber(String name, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new RuntimeFailure("invalid value \"" + value + "\" for flag --" + name + ": not a number", e);
        }
    }

    /** One of {@code choices}, or {@code otherwise} when the flag is absent. */
    String choice(String name, String otherwise, List<String> choices) {
        String value = value(name).orElse(otherwise);
        if (!choices.contains(value)) {
            throw new RuntimeFailure(
                    "invalid value \"" + value + "\" for flag --" + name + ": one of " + String.join(", ", choices));
        }
        return value;
    }

    List<String> positionals() {
        return parsed.getArgList();
    }
}
