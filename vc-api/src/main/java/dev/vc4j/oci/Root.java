package dev.vc4j.oci;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/**
 * {@code root}: the container's root file system, {@code path} relative to the bundle or absolute.
 *
 * <p>A member absent from the JSON is null here and stays absent when written; {@code otherFields} keeps
 * the members this record does not model, as read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Root(
        String path,
        Boolean readonly,
        @JsonAnyGetter @JsonAnySetter Map<String, Object> otherFields) {

    public Root {
        otherFields = OciJson.others(otherFields);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's values, to make a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a {@link Root}; a field left unset is absent from the JSON. */
    public static final class Builder {
        private String path;
        private Boolean readonly;
        private Map<String, Object> otherFields = Map.of();

        private Builder() {}

        private Builder(Root from) {
            path = from.path;
            readonly = from.readonly;
            otherFields = from.otherFields;
        }

        public Builder path(String path) {
            this.path = path;
            return this;
        }

        public Builder readonly(Boolean readonly) {
            this.readonly = readonly;
            return this;
        }

        public Builder otherFields(Map<String, Object> otherFields) {
            this.otherFields = otherFields;
            return this;
        }

        public Root build() {
            return new Root(path, readonly, otherFields);
        }
    }
}
