package dev.vc4j;

import java.time.Duration;

/**
 * Where the time of a sandbox's creation went: from QEMU's process start to its QMP socket answering,
 * to the guest agent answering its first Check, and the whole createSandbox call.
 */
public record BootTimings(Duration qmpReady, Duration agentReady, Duration total) {}
