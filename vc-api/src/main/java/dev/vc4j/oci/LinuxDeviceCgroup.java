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
    public static final class Builder {
        private Boolean allow;
        private String type;
        private Long major;
        private Long minor;
        private String access;
        private Map<String, Object> otherFields = Map.of();

        private Builder() {}

        private Builder(LinuxDeviceCgroup from) {
            allow = from.allow;
            type = from.type;
            major = from.major;
            minor = from.minor;
            access = from.access;
            otherFields = from.otherFields;
        }

        public Builder allow(Boolean allow) {
            this.allow = allow;
            return this;
        }

        public Builder type(String type) {
            this.type = type;
            return this;
        }

        public Builder major(Long major) {
            this.major = major;
            return this;
        }

        public Builder minor(Long minor) {
            this.minor = minor;
            return this;
        }

        public Builder access(String access) {
            this.access = access;
            return this;
        }

        public Builder otherFields(Map<String, Object> otherFields) {
            this.otherFields = otherFields;
            return this;
        }

        public LinuxDeviceCgroup build() {
            return new LinuxDeviceCgroup(allow, type, major, minor, access, otherFields);
        }
    }
}
