package dev.vc4j.oci;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.math.BigInteger;
import java.util.Map;

/**
 * An argument condition of a seccomp rule; values are unsigned 64-bit.
 *
 * <p>A member absent from the JSON is null here and stays absent when written; {@code otherFields} keeps
 * the members this record does not model, as read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LinuxSeccompArg(
        Long index,
        BigInteger value,
        BigInteger valueTwo,
        String op,
        @JsonAnyGetter @JsonAnySetter Map<String, Object> otherFields) {

    public LinuxSeccompArg {
        otherFields = OciJson.others(otherFields);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's values, to make a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a {@link LinuxSeccompArg}; a field left unset is absent from the JSON. */
    public static final class Builder extends OciBuilder<LinuxSeccompArg, Builder> {
        private Builder() {
            super(LinuxSeccompArg.class);
        }

        private Builder(LinuxSeccompArg from) {
            super(from);
        }

        public Builder index(Long index) {
            return set("index", index);
        }

        public Builder value(BigInteger value) {
            return set("value", value);
        }

        public Builder valueTwo(BigInteger valueTwo) {
            return set("valueTwo", valueTwo);
        }

        public Builder op(String op) {
            return set("op", op);
        }
    }
}
