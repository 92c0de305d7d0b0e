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
    public static final class Builder {
        private Integer height;
        private Integer width;
        private Map<String, Object> otherFields = Map.of();

        private Builder() {}

        private Builder(ConsoleSize from) {
            height = from.height;
            width = from.width;
            otherFields = from.otherFields;
        }

        public Builder height(Integer height) {
            this.height = height;
            return this;
        }

        public Builder width(Integer width) {
            this.width = width;
            return this;
        }

        public Builder otherFields(Map<String, Object> otherFields) {
            this.otherFields = otherFields;
            return this;
        }

        public ConsoleSize build() {
            return new ConsoleSize(height, width, otherFields);
        }
    }
}
