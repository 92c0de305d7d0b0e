package dev.vc4j.bench;

/**
 * One row of the benchmark: a measured figure (or why it could not be measured), the baseline it is compared
 * to with the ratio of the medians, and its goal. {@code stats} is null when the figure is not available.
 */
record Figure(
        String id,
        String what,
        String unit,
        Stats stats,
        String baseline,
        Double ratio,
        String goal,
        Boolean goalMet,
        String note) {

    static Figure of(String id, String what, String unit, Stats stats) {
        return new Figure(id, what, unit, stats, null, null, null, null, null);
    }

    /** A figure this tree cannot measure: printed with the reason, never left out. */
    static Figure notAvailable(String id, String what, String reason) {
        return new Figure(id, what, null, null, null, null, null, null, "not available: " + reason);
    }

    boolean available() {
        return stats != null;
    }

    /** Compared to {@code base}, a figure of the same kind measured in the same run. */
    Figure against(Figure base) {
        Double r =
                available() && base.available() ? stats.median() / base.stats().median() : null;
        return new Figure(id, what, unit, stats, base.id(), r, goal, goalMet, note);
    }

    /** The goal: a ratio to the baseline of at most {@code max}. */
    Figure goalRatio(double max) {
        String text = String.format("<= %.2f x %s", max, baseline);
        return new Figure(id, what, unit, stats, baseline, ratio, text, ratio == null ? null : ratio <= max, note);
    }

    /** The goal: a ratio to the baseline of at least {@code min}. */
    Figure goalRatioAtLeast(double min) {
        String text = String.format(">= %.2f x %s", min, baseline);
        return new Figure(id, what, unit, stats, baseline, ratio, text, ratio == null ? null : ratio >= min, note);
    }

    /** The goal: a value of at most {@code max} in the figure's unit, checked on {@code value}. */
    Figure goalAtMost(double max, double value) {
        String text = String.format("<= %.0f %s", max, unit);
        return new Figure(id, what, unit, stats, baseline, ratio, text, available() ? value <= max : null, note);
    }

    Figure note(String text) {
        return new Figure(id, what, unit, stats, baseline, ratio, goal, goalMet, text);
    }
}
