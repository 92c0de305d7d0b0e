package dev.vc4j.bench;

import java.util.Arrays;

/** The median and spread of {@code n} measurements, in the unit the caller measured. */
record Stats(double median, double min, double max, int n) {
    static Stats of(double[] sample) {
        if (sample.length == 0) {
            throw new IllegalArgumentException("no measurements");
        }
        double[] sorted = sample.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Stats(median, sorted[0], sorted[n - 1], n);
    }

    static Stats of(java.util.List<Double> sample) {
        return of(sample.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
