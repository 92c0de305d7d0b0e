package dev.vc4j.oci;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/**
 * {@code linux.resources.pids}: the most processes the cgroup may hold.
 *
 * <p>A member absent from the JSON is null here and stays absent when written; {@code otherFields} keeps
 * the members this record does not model, as read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LinuxPids(
        Long limit, @JsonAnyGetter @JsonAnySetter Map<String, Object> otherFields) {

    public LinuxPids {
        otherFields = OciJson.others(otherFields);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's values, to make a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a {@link LinuxPids}; a field left unset is absent from the JSON. */
    public static final class Builder {
        private Long limit;
        private Map<String, Object> otherFields = Map.of();

        private Builder() {}

        private Builder(LinuxPids from) {
            limit = from.limit;
            otherFields = from.otherFields;
        }

        public Builder limit(Long limit) {
            this.limit = limit;
            return this;
        }

        public Builder otherFields(Map<String, Object> otherFields) {
            this.otherFields = otherFields;
            return this;
        }

        public LinuxPids build() {
            return new LinuxPids(limit, otherFields);
        }
    }
}
