package dev.vc4j.oci;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * One of {@code mounts}: {@code destination} an absolute path in the container; for a bind mount {@code source} is a path, absolute or relative to the bundle.
 *
 * <p>A member absent from the JSON is null here and stays absent when written; {@code otherFields} keeps
 * the members this record does not model, as read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Mount(
        String destination,
        String type,
        String source,
        List<String> options,
        List<LinuxIdMapping> uidMappings,
        List<LinuxIdMapping> gidMappings,
        @JsonAnyGetter @JsonAnySetter Map<String, Object> otherFields) {

    public Mount {
        options = OciJson.list(options, "options");
        uidMappings = OciJson.list(uidMappings, "uidMappings");
        gidMappings = OciJson.list(gidMappings, "gidMappings");
        otherFields = OciJson.others(otherFields);
    }

    /** A mount of {@code source} of {@code type} at {@code destination}. */
    public static Mount of(String destination, String type, String source, String... options) {
        return builder()
                .destination(destination)
                .type(type)
                .source(source)
                .options(options)
                .build();
    }

    /** Whether this is a bind mount: of type {@code bind}, or with the option {@code bind} or {@code rbind}. */
    @JsonIgnore
    public boolean isBind() {
        return "bind".equals(type) || options != null && (options.contains("bind") || options.contains("rbind"));
    }

    /** Whether the options make it read-only: the last of {@code ro} and {@code rw} wins, as in mount(8). */
    @JsonIgnore
    public boolean isReadOnly() {
        if (options == null) {
            return false;
        }
        return options.lastIndexOf("ro") > options.lastIndexOf("rw");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's values, to make a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a {@link Mount}; a field left unset is absent from the JSON. */
    public static final class Builder {
        private String destination;
        private String type;
        private String source;
        private List<String> options;
        private List<LinuxIdMapping> uidMappings;
        private List<LinuxIdMapping> gidMappings;
        private Map<String, Object> otherFields = Map.of();

        private Builder() {}

        private Builder(Mount from) {
            destination = from.destination;
            type = from.type;
            source = from.source;
            options = from.options;
            uidMappings = from.uidMappings;
            gidMappings = from.gidMappings;
            otherFields = from.otherFields;
        }

        public Builder destination(String destination) {
            this.destination = destination;
            return this;
        }

        public Builder type(String type) {
            this.type = type;
            return this;
        }

        public Builder source(String source) {
            this.source = source;
            return this;
        }

        public Builder options(List<String> options) {
            this.options = options;
            return this;
        }

        public Builder options(String... options) {
            return options(List.of(options));
        }

        public Builder uidMappings(List<LinuxIdMapping> uidMappings) {
            this.uidMappings = uidMappings;
            return this;
        }

        public Builder uidMappings(LinuxIdMapping... uidMappings) {
            return uidMappings(List.of(uidMappings));
        }

        public Builder gidMappings(List<LinuxIdMapping> gidMappings) {
            this.gidMappings = gidMappings;
            return this;
        }

        public Builder gidMappings(LinuxIdMapping... gidMappings) {
            return gidMappings(List.of(gidMappings));
        }

        public Builder otherFields(Map<String, Object> otherFields) {
            this.otherFields = otherFields;
            return this;
        }

        public Mount build() {
            return new Mount(destination, type, source, options, uidMappings, gidMappings, otherFields);
        }
    }
}
