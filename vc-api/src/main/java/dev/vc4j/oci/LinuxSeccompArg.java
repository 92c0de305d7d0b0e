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
    public static final class Builder {
        private Long index;
        private BigInteger value;
        private BigInteger valueTwo;
        private String op;
        private Map<String, Object> otherFields = Map.of();

        private Builder() {}

        private Builder(LinuxSeccompArg from) {
            index = from.index;
            value = from.value;
            valueTwo = from.valueTwo;
            op = from.op;
            otherFields = from.otherFields;
        }

        public Builder index(Long index) {
            this.index = index;
            return this;
        }

        public Builder value(BigInteger value) {
            this.value = value;
            return this;
        }

        public Builder valueTwo(BigInteger valueTwo) {
            this.valueTwo = valueTwo;
            return this;
        }

        public Builder op(String op) {
            this.op = op;
            return this;
        }

        public Builder otherFields(Map<String, Object> otherFields) {
            this.otherFields = otherFields;
            return this;
        }

        public LinuxSeccompArg build() {
            return new LinuxSeccompArg(index, value, valueTwo, op, otherFields);
        }
    }
}
