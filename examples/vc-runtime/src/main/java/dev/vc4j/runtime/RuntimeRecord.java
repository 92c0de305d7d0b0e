package dev.vc4j.runtime;

import java.nio.file.Path;
import java.util.Map;

/**
 * What vc-runtime keeps of one container under {@code --root}: written by {@code create} (status creating) and
 * then by the container's shim at each change. {@code shimPid} and {@code shimStarted} name the shim (its start
 * time guards against a reused pid); {@code storeRun} and {@code storeConfig} are the vc4j store roots its sandbox
 * {@code sandboxId} lives under; {@code error} is why a create failed.
 */
record RuntimeRecord(
        int version,
        String id,
        String bundle,
        String rootfs,
        String sandboxId,
        String storeRun,
        String storeConfig,
        String created,
        Map<String, String> annotations,
        String status,
        long shimPid,
        String shimStarted,
        Integer exitCode,
        String error) {
    static final int VERSION = 1;
    static final String CREATING = "creating";
    static final String CREATED = "created";
    static final String RUNNING = "running";
    static final String PAUSED = "paused";
    static final String STOPPED = "stopped";

    RuntimeRecord {
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    RuntimeRecord withStatus(String newStatus) {
        return copy(newStatus, shimPid, shimStarted, exitCode, error);
    }

    RuntimeRecord withShim(long pid, String started) {
        return copy(status, pid, started, exitCode, error);
    }

    RuntimeRecord exited(int code) {
        return copy(STOPPED, shimPid, shimStarted, code, error);
    }

    RuntimeRecord failed(String why) {
        return copy(status, shimPid, shimStarted, exitCode, why);
    }

    /** The same container; what changes over its life replaced. */
    private RuntimeRecord copy(String newStatus, long pid, String started, Integer code, String why) {
        return new RuntimeRecord(
                version,
                id,
                bundle,
                rootfs,
                sandboxId,
                storeRun,
                storeConfig,
                created,
                annotations,
                newStatus,
                pid,
                started,
                code,
                why);
    }

    /**
     * The record {@code members} (a state.json read as maps) holds. Read member by member rather than by reflection:
     * {@code state} reads one record per call, and binding it by reflection was a fifth of the call. Members a
     * newer vc-runtime added are ignored; one of the wrong type is an error naming the file and the member.
     */
    static RuntimeRecord of(Map<String, Object> members, Path file) {
        RecordMembers m = new RecordMembers(members, file);
        return new RuntimeRecord(
                m.integer("version", 0),
                m.text("id"),
                m.text("bundle"),
                m.text("rootfs"),
                m.text("sandboxId"),
                m.text("storeRun"),
                m.text("storeConfig"),
                m.text("created"),
                m.texts("annotations"),
                m.text("status"),
                m.number("shimPid", 0),
                m.text("shimStarted"),
                members.get("exitCode") == null ? null : m.integer("exitCode", 0),
                m.text("error"));
    }

    /** Whether this container's shim boots and owns the VM; else it joined the pod of {@code sandboxId}. */
    boolean ownsVm() {
        return id.equals(sandboxId);
    }

    /** Whether the shim named here runs: the same pid with the same start time. */
    boolean shimAlive() {
        return shimPid > 0
                && ProcessHandle.of(shimPid)
                        .filter(ProcessHandle::isAlive)
                        .map(RuntimeRecord::started)
                        .map(s -> s.equals(shimStarted))
                        .orElse(false);
    }

    /**
     * The status as the engine sees it: the shim's life is the container's, so a container whose shim is gone is
     * stopped whatever the record last said.
     */
    String effectiveStatus() {
        if (STOPPED.equals(status) || CREATING.equals(status) && shimPid == 0) {
            return status;
        }
        return shimAlive() ? status : STOPPED;
    }

    static String started(ProcessHandle process) {
        return process.info().startInstant().map(Object::toString).orElse("");
    }
}
