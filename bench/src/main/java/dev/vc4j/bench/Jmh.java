package dev.vc4j.bench;

import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.util.concurrent.TimeUnit;

/**
 * Runs one {@link AgentCalls} benchmark in this JVM (no fork: its targets are live objects here) and returns the
 * scores of its measurement iterations, one sample each.
 */
final class Jmh {
    private final boolean longRun;

    Jmh(boolean longRun) {
        this.longRun = longRun;
    }

    Stats run(String benchmark, Mode mode, TimeUnit unit) {
        try {
            RunResult result = new Runner(new OptionsBuilder()
                            .include(AgentCalls.class.getName() + "." + benchmark + "$")
                            .forks(0)
                            .threads(1)
                            .mode(mode)
                            .timeUnit(unit)
                            .warmupIterations(longRun ? 5 : 2)
                            .warmupTime(TimeValue.seconds(1))
                            .measurementIterations(longRun ? 10 : 5)
                            .measurementTime(TimeValue.seconds(longRun ? 2 : 1))
                            .verbosity(VerboseMode.SILENT)
                            .build())
                    .runSingle();
            return Stats.of(result.getBenchmarkResults().stream()
                    .flatMap(b -> b.getIterationResults().stream())
                    .mapToDouble(i -> i.getPrimaryResult().getScore())
                    .toArray());
        } catch (RunnerException e) {
            throw new IllegalStateException("JMH could not run " + benchmark, e);
        }
    }
}
