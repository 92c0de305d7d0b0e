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
    public static final class Builder extends OciBuilder<PosixRlimit, Builder> {
        private Builder() {
            super(PosixRlimit.class);
        }

        private Builder(PosixRlimit from) {
            super(from);
        }

        public Builder type(String type) {
            return set("type", type);
        }

        public Builder hard(BigInteger hard) {
            return set("hard", hard);
        }

        public Builder soft(BigInteger soft) {
            return set("soft", soft);
        }
    }
}
