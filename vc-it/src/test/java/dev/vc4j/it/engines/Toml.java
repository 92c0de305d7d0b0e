package dev.vc4j.it.engines;

/** The TOML the engines' configuration files need: basic strings of the tests' own paths and names. */
final class Toml {
    private Toml() {}

    /** {@code value} as a TOML basic string; refused when it would need escapes, which the tests' values never do. */
    static String string(Object value) {
        String text = value.toString();
        if (!text.matches("[A-Za-z0-9_./+=:-]+")) {
            throw new IllegalArgumentException("engine configuration value " + text + " needs escaping");
        }
        return "\"" + text + "\"";
    }
}
