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
    public static final class Builder {
        private String type;
        private String path;
        private Long major;
        private Long minor;
        private Integer fileMode;
        private Long uid;
        private Long gid;
        private Map<String, Object> otherFields = Map.of();

        private Builder() {}

        private Builder(LinuxDevice from) {
            type = from.type;
            path = from.path;
            major = from.major;
            minor = from.minor;
            fileMode = from.fileMode;
            uid = from.uid;
            gid = from.gid;
            otherFields = from.otherFields;
        }

        public Builder type(String type) {
            this.type = type;
            return this;
        }

        public Builder path(String path) {
            this.path = path;
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

        public Builder fileMode(Integer fileMode) {
            this.fileMode = fileMode;
            return this;
        }

        public Builder uid(Long uid) {
            this.uid = uid;
            return this;
        }

        public Builder gid(Long gid) {
            this.gid = gid;
            return this;
        }

        public Builder otherFields(Map<String, Object> otherFields) {
            this.otherFields = otherFields;
            return this;
        }

        public LinuxDevice build() {
            return new LinuxDevice(type, path, major, minor, fileMode, uid, gid, otherFields);
        }
    }
}
