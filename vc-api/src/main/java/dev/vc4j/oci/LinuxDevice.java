package dev.vc4j.oci;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/**
 * One of {@code linux.devices}: a device node the runtime creates in the container.
 *
 * <p>A member absent from the JSON is null here and stays absent when written; {@code otherFields} keeps
 * the members this record does not model, as read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LinuxDevice(
        String type,
        String path,
        Long major,
        Long minor,
        Integer fileMode,
        Long uid,
        Long gid,
        @JsonAnyGetter @JsonAnySetter Map<String, Object> otherFields) {

    public LinuxDevice {
        otherFields = OciJson.others(otherFields);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's values, to make a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a {@link LinuxDevice}; a field left unset is absent from the JSON. */
    public static final class Builder extends OciBuilder<LinuxDevice, Builder> {
        private Builder() {
            super(LinuxDevice.class);
        }

        private Builder(LinuxDevice from) {
            super(from);
        }

        public Builder type(String type) {
            return set("type", type);
        }

        public Builder path(String path) {
            return set("path", path);
        }

        public Builder major(Long major) {
            return set("major", major);
        }

        public Builder minor(Long minor) {
            return set("minor", minor);
        }

        public Builder fileMode(Integer fileMode) {
            return set("fileMode", fileMode);
        }

        public Builder uid(Long uid) {
            return set("uid", uid);
        }

        public Builder gid(Long gid) {
            return set("gid", gid);
        }
    }
}
