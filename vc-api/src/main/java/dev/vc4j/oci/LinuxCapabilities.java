package dev.vc4j.oci;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * {@code process.capabilities}: capability names such as {@code CAP_KILL}, per set.
 *
 * <p>A member absent from the JSON is null here and stays absent when written; {@code otherFields} keeps
 * the members this record does not model, as read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LinuxCapabilities(
        List<String> bounding,
        List<String> effective,
        List<String> inheritable,
        List<String> permitted,
        List<String> ambient,
        @JsonAnyGetter @JsonAnySetter Map<String, Object> otherFields) {

    public LinuxCapabilities {
        bounding = OciJson.list(bounding, "bounding");
        effective = OciJson.list(effective, "effective");
        inheritable = OciJson.list(inheritable, "inheritable");
        permitted = OciJson.list(permitted, "permitted");
        ambient = OciJson.list(ambient, "ambient");
        otherFields = OciJson.others(otherFields);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's values, to make a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a {@link LinuxCapabilities}; a field left unset is absent from the JSON. */
    public static final class Builder extends OciBuilder<LinuxCapabilities, Builder> {
        private Builder() {
            super(LinuxCapabilities.class);
        }

        private Builder(LinuxCapabilities from) {
            super(from);
        }

        public Builder bounding(List<String> bounding) {
            return set("bounding", bounding);
        }

        public Builder bounding(String... bounding) {
            return bounding(List.of(bounding));
        }

        public Builder effective(List<String> effective) {
            return set("effective", effective);
        }

        public Builder effective(String... effective) {
            return effective(List.of(effective));
        }

        public Builder inheritable(List<String> inheritable) {
            return set("inheritable", inheritable);
        }

        public Builder inheritable(String... inheritable) {
            return inheritable(List.of(inheritable));
        }

        public Builder permitted(List<String> permitted) {
            return set("permitted", permitted);
        }

        public Builder permitted(String... permitted) {
            return permitted(List.of(permitted));
        }

        public Builder ambient(List<String> ambient) {
            return set("ambient", ambient);
        }

        public Builder ambient(String... ambient) {
            return ambient(List.of(ambient));
        }
    }
}
