package dev.vc4j.oci;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.math.BigInteger;
import java.util.Map;

/**
 * One of {@code process.rlimits}: {@code type} such as {@code RLIMIT_NOFILE}; limits are unsigned 64-bit.
 *
 * <p>A member absent from the JSON is null here and stays absent when written; {@code otherFields} keeps
 * the members this record does not model, as read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PosixRlimit(
        String type,
        BigInteger hard,
        BigInteger soft,
        @JsonAnyGetter @JsonAnySetter Map<String, Object> otherFields) {

    public PosixRlimit {
        otherFields = OciJson.others(otherFields);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's values, to make a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a {@link PosixRlimit}; a field left unset is absent from the JSON. */
    public static final class Builder {
        private String type;
        private BigInteger hard;
        private BigInteger soft;
        private Map<String, Object> otherFields = Map.of();

        private Builder() {}

        private Builder(PosixRlimit from) {
            type = from.type;
            hard = from.hard;
            soft = from.soft;
            otherFields = from.otherFields;
        }

        public Builder type(String type) {
            this.type = type;
            return this;
        }

        public Builder hard(BigInteger hard) {
            this.hard = hard;
            return this;
        }

        public Builder soft(BigInteger soft) {
            this.soft = soft;
            return this;
        }

        public Builder otherFields(Map<String, Object> otherFields) {
            this.otherFields = otherFields;
            return this;
        }

        public PosixRlimit build() {
            return new PosixRlimit(type, hard, soft, otherFields);
        }
    }
}
