package dev.vc4j.oci;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Map;

/**
 * A uid or gid mapping: {@code size} ids from {@code containerID} in the container to {@code hostID}.
 *
 * <p>A member absent from the JSON is null here and stays absent when written; {@code otherFields} keeps
 * the members this record does not model, as read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LinuxIdMapping(
        @JsonProperty("containerID") Long containerId,
        @JsonProperty("hostID") Long hostId,
        Long size,
        @JsonAnyGetter @JsonAnySetter Map<String, Object> otherFields) {

    public LinuxIdMapping {
        otherFields = OciJson.others(otherFields);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's values, to make a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a {@link LinuxIdMapping}; a field left unset is absent from the JSON. */
    public static final class Builder extends OciBuilder<LinuxIdMapping, Builder> {
        private Builder() {
            super(LinuxIdMapping.class);
        }

        private Builder(LinuxIdMapping from) {
            super(from);
        }

        public Builder containerId(Long containerId) {
            return set("containerId", containerId);
        }

        public Builder hostId(Long hostId) {
            return set("hostId", hostId);
        }

        public Builder size(Long size) {
            return set("size", size);
        }
    }
}
