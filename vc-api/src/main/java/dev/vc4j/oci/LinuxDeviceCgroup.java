package dev.vc4j.oci;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/**
 * One of {@code linux.resources.devices}: a rule of the device cgroup.
 *
 * <p>A member absent from the JSON is null here and stays absent when written; {@code otherFields} keeps
 * the members this record does not model, as read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LinuxDeviceCgroup(
        Boolean allow,
        String type,
        Long major,
        Long minor,
        String access,
        @JsonAnyGetter @JsonAnySetter Map<String, Object> otherFields) {

    public LinuxDeviceCgroup {
        otherFields = OciJson.others(otherFields);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's values, to make a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a {@link LinuxDeviceCgroup}; a field left unset is absent from the JSON. */
    public static final class Builder extends OciBuilder<LinuxDeviceCgroup, Builder> {
        private Builder() {
            super(LinuxDeviceCgroup.class);
        }

        private Builder(LinuxDeviceCgroup from) {
            super(from);
        }

        public Builder allow(Boolean allow) {
            return set("allow", allow);
        }

        public Builder type(String type) {
            return set("type", type);
        }

        public Builder major(Long major) {
            return set("major", major);
        }

        public Builder minor(Long minor) {
            return set("minor", minor);
        }

        public Builder access(String access) {
            return set("access", access);
        }
    }
}
