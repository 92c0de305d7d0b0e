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
    public static final class Builder extends OciBuilder<Root, Builder> {
        private Builder() {
            super(Root.class);
        }

        private Builder(Root from) {
            super(from);
        }

        public Builder path(String path) {
            return set("path", path);
        }

        public Builder readonly(Boolean readonly) {
            return set("readonly", readonly);
        }
    }
}
