/**
 * The engine: the lifecycle machinery behind {@link dev.vc4j.Sandbox} and {@link dev.vc4j.Container}, which
 * wire it together and read top-down. Each class gets what it works with (the sandbox's {@link StoredSandbox},
 * its {@link GuestLink} to the VM and agent, the {@link Events}) from the sandbox that makes it. Not API: the
 * module does not export this package, and on the class path its public types promise nothing.
 */
package dev.vc4j.internal;
