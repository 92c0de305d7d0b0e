package dev.vc4j.oci;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * {@code linux.resources}, also what an update of a running container sets: the cgroup's limits.
 *
 * <p>A member absent from the JSON is null here and stays absent when written; {@code otherFields} keeps
 * the members this record does not model, as read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LinuxResources(
        List<LinuxDeviceCgroup> devices,
        LinuxMemory memory,
        LinuxCpu cpu,
        LinuxPids pids,
        Map<String, String> unified,
        @JsonAnyGetter @JsonAnySetter Map<String, Object> otherFields) {

    public LinuxResources {
        devices = OciJson.list(devices, "devices");
        unified = OciJson.map(unified, "unified");
        otherFields = OciJson.others(otherFields);
    }

    /** Reads a LinuxResources object (as {@code update --resources} takes it); errors as for {@link Spec#parse(String)}. */
    public static LinuxResources parse(String json) {
        return OciJson.read(json, LinuxResources.class, "resources", "");
    }

    public String toJson() {
        return OciJson.write(this);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's values, to make a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a {@link LinuxResources}; a field left unset is absent from the JSON. */
    public static final class Builder extends OciBuilder<LinuxResources, Builder> {
        private Builder() {
            super(LinuxResources.class);
        }

        private Builder(LinuxResources from) {
            super(from);
        }

        public Builder devices(List<LinuxDeviceCgroup> devices) {
            return set("devices", devices);
        }

        public Builder devices(LinuxDeviceCgroup... devices) {
            return devices(List.of(devices));
        }

        public Builder memory(LinuxMemory memory) {
            return set("memory", memory);
        }

        public Builder cpu(LinuxCpu cpu) {
            return set("cpu", cpu);
        }

        public Builder pids(LinuxPids pids) {
            return set("pids", pids);
        }

        public Builder unified(Map<String, String> unified) {
            return set("unified", unified);
        }
    }
}
