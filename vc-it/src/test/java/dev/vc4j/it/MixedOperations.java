package dev.vc4j.it;

import dev.vc4j.InvalidStateException;
import dev.vc4j.Sandbox;
import dev.vc4j.StopMode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * What each process of {@link ConcurrencyIT} does: threads sharing one {@link Sandbox} object call status,
 * setAnnotations, start and stop at random for a while. Each annotation gets a key of its own
 * ({@code process-thread-n}), so the test can tell afterwards whether an update was lost.
 * Run as a main, it prints one {@code annotated <process-thread> <count>} line per thread and ends with
 * status 1 if any call failed with something other than an illegal state.
 */
final class MixedOperations {
    /** What one thread did: annotations set, illegal-state refusals, and every other failure. */
    record ThreadOutcome(
            String prefix, int annotations, int lifecycleChanges, int refusals, List<Throwable> unexpected) {}

    private MixedOperations() {}

    public static void main(String[] args) throws Exception {
        List<ThreadOutcome> outcomes =
                run(args[0], args[1], Integer.parseInt(args[2]), Duration.ofSeconds(Long.parseLong(args[3])));
        int unexpected = 0;
        for (ThreadOutcome o : outcomes) {
            System.out.println("annotated " + o.prefix() + " " + o.annotations());
            System.out.println(o);
            for (Throwable t : o.unexpected()) {
                t.printStackTrace(System.out);
                unexpected++;
            }
        }
        System.exit(unexpected == 0 ? 0 : 1);
    }

    static List<ThreadOutcome> run(String sandboxId, String process, int threads, Duration duration) throws Exception {
        Sandbox sandbox = TestStore.virtContainers().fetchSandbox(sandboxId);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<ThreadOutcome>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String prefix = process + "-" + t;
                long seed = prefix.hashCode();
                futures.add(pool.submit(() -> loop(sandbox, prefix, new Random(seed), duration)));
            }
            List<ThreadOutcome> outcomes = new ArrayList<>();
            for (Future<ThreadOutcome> f : futures) {
                // every call has its own deadline (the lock wait is 2 min): past this, something is stuck
                outcomes.add(f.get(duration.toSeconds() + 240, TimeUnit.SECONDS));
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
            sandbox.close();
        }
    }

    private static ThreadOutcome loop(Sandbox sandbox, String prefix, Random random, Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        int annotations = 0;
        int lifecycleChanges = 0;
        int refusals = 0;
        List<Throwable> unexpected = new ArrayList<>();
        while (System.nanoTime() < end) {
            // a stop makes the next start boot a VM (seconds under TCG, holding the lock): the rarest call
            int dice = random.nextInt(20);
            try {
                if (dice < 8) {
                    sandbox.status();
                } else if (dice < 17) {
                    sandbox.setAnnotations(Map.of(prefix + "-" + annotations, "x"));
                    annotations++;
                } else if (dice < 19) {
                    sandbox.start();
                    lifecycleChanges++;
                } else {
                    sandbox.stop(random.nextBoolean() ? StopMode.IMMEDIATE : StopMode.GRACEFUL);
                    lifecycleChanges++;
                }
            } catch (InvalidStateException e) {
                refusals++;
            } catch (RuntimeException | Error e) {
                unexpected.add(e);
            }
        }
        return new ThreadOutcome(prefix, annotations, lifecycleChanges, refusals, unexpected);
    }
}
