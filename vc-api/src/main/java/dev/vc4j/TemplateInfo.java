package dev.vc4j;

import java.nio.file.Path;
import java.time.Instant;

/**
 * One stored VM template: {@code shape} names the VM shape it serves, {@code directory} holds its memory and
 * device state files, {@code memoryBytes} and {@code stateBytes} are their sizes.
 */
public record TemplateInfo(String shape, Path directory, long memoryBytes, long stateBytes, Instant created) {}
