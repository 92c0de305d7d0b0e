package dev.vc4j.it.engines;

/**
 * Issue 11's acceptance tests: podman and containerd run containers through vc-runtime, the binary that
 * {@code -Dvc4j.runtime.binary} names. Without the property it fails; it never skips.
 */
class VcRuntimeEnginesIT extends EngineAcceptance {
    @Override
    EngineRuntime runtime() {
        return EngineRuntime.fromProperties();
    }
}
