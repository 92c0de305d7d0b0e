package dev.vc4j.bench;

import java.util.Arrays;

/** Medians and spreads of a sample, in milliseconds or microseconds as the caller measured. */
record Stats(double median, double min, double max) {
    static Stats of(double[] sample) {
        double[] sorted = sample.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Stats(median, sorted[0], sorted[n - 1]);
    }

    String format(String unit) {
        return String.format("median %8.2f %s  (min %.2f, max %.2f)", median, unit, min, max);
    }
}
