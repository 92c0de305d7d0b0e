package dev.vc4j.oci;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;
import java.util.Set;

/**
 * One of {@code linux.namespaces}: a new namespace of {@code type}, or the one at {@code path} joined.
 *
 * <p>A member absent from the JSON is null here and stays absent when written; {@code otherFields} keeps
 * the members this record does not model, as read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LinuxNamespace(
        String type,
        String path,
        @JsonAnyGetter @JsonAnySetter Map<String, Object> otherFields) {

    public LinuxNamespace {
        otherFields = OciJson.others(otherFields);
    }

    public static final String CGROUP = "cgroup";
    public static final String IPC = "ipc";
    public static final String MOUNT = "mount";
    public static final String NETWORK = "network";
    public static final String PID = "pid";
    public static final String TIME = "time";
    public static final String USER = "user";
    public static final String UTS = "uts";
    /** Every type runtime-spec 1.2 knows. */
    public static final Set<String> TYPES = Set.of(CGROUP, IPC, MOUNT, NETWORK, PID, TIME, USER, UTS);

    /** A new namespace of {@code type}. */
    public static LinuxNamespace of(String type) {
        return new LinuxNamespace(type, null, null);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's values, to make a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a {@link LinuxNamespace}; a field left unset is absent from the JSON. */
    public static final class Builder extends OciBuilder<LinuxNamespace, Builder> {
        private Builder() {
            super(LinuxNamespace.class);
        }

        private Builder(LinuxNamespace from) {
            super(from);
        }

        public Builder type(String type) {
            return set("type", type);
        }

        public Builder path(String path) {
            return set("path", path);
        }
    }
}
