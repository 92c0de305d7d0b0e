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
    public static final class Builder extends OciBuilder<Mount, Builder> {
        private Builder() {
            super(Mount.class);
        }

        private Builder(Mount from) {
            super(from);
        }

        public Builder destination(String destination) {
            return set("destination", destination);
        }

        public Builder type(String type) {
            return set("type", type);
        }

        public Builder source(String source) {
            return set("source", source);
        }

        public Builder options(List<String> options) {
            return set("options", options);
        }

        public Builder options(String... options) {
            return options(List.of(options));
        }

        public Builder uidMappings(List<LinuxIdMapping> uidMappings) {
            return set("uidMappings", uidMappings);
        }

        public Builder uidMappings(LinuxIdMapping... uidMappings) {
            return uidMappings(List.of(uidMappings));
        }

        public Builder gidMappings(List<LinuxIdMapping> gidMappings) {
            return set("gidMappings", gidMappings);
        }

        public Builder gidMappings(LinuxIdMapping... gidMappings) {
            return gidMappings(List.of(gidMappings));
        }
    }
}
