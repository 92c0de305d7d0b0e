package dev.vc4j.internal;

import dev.vc4j.spi.AgentSession;

import java.security.SecureRandom;
import java.time.Instant;

/**
 * What makes a guest its own beyond its config: its clock and its random seed. A VM restored from a template
 * starts with the template's clock (stopped while the template was saved) and RNG state, shared by every clone;
 * a cold-booted guest gets the same, so both kinds start alike.
 */
final class GuestIdentity {
    /** Twice the 256 bits that Linux's input pool holds. */
    private static final int SEED_BYTES = 64;

    private static final SecureRandom RANDOM = new SecureRandom();

    private GuestIdentity() {}

    static void renew(AgentSession agent) {
        agent.setGuestDateTime(Instant.now());
        byte[] seed = new byte[SEED_BYTES];
        RANDOM.nextBytes(seed);
        agent.addEntropy(seed);
    }
}
