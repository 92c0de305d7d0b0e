package dev.vc4j.it.engines;

/**
 * The engine harness itself, proven on Debian's runc: podman and containerd run every acceptance scenario through
 * a runtime known to work. It tests no vc4j code; {@link VcRuntimeEnginesIT} runs the same scenarios through
 * vc-runtime. Not crun: crun refuses every container on a host whose cgroup v2 hierarchy still holds a controller
 * beside the v1 ones ("cgroups in hybrid mode not supported"), as this project's machines do.
 */
class EngineHarnessRuncIT extends EngineAcceptance {
    @Override
    EngineRuntime runtime() {
        return EngineRuntime.runc();
    }
}
