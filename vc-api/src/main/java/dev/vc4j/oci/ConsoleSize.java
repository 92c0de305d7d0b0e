package dev.vc4j.oci;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/**
 * {@code process.consoleSize}: the terminal's size in characters.
 *
 * <p>A member absent from the JSON is null here and stays absent when written; {@code otherFields} keeps
 * the members this record does not model, as read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConsoleSize(
        Integer height,
        Integer width,
        @JsonAnyGetter @JsonAnySetter Map<String, Object> otherFields) {

    public ConsoleSize {
        otherFields = OciJson.others(otherFields);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's values, to make a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a {@link ConsoleSize}; a field left unset is absent from the JSON. */
    public static final class Builder extends OciBuilder<ConsoleSize, Builder> {
        private Builder() {
            super(ConsoleSize.class);
        }

        private Builder(ConsoleSize from) {
            super(from);
        }

        public Builder height(Integer height) {
            return set("height", height);
        }

        public Builder width(Integer width) {
            return set("width", width);
        }
    }
}
