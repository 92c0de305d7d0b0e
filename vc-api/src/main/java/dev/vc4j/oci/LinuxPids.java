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
    public static final class Builder extends OciBuilder<LinuxPids, Builder> {
        private Builder() {
            super(LinuxPids.class);
        }

        private Builder(LinuxPids from) {
            super(from);
        }

        public Builder limit(Long limit) {
            return set("limit", limit);
        }
    }
}
