package dev.vc4j.oci;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/**
 * The OCI state of a container, as hooks read it on stdin and {@code state} prints it: {@code status} one of creating, created, running, stopped.
 *
 * <p>A member absent from the JSON is null here and stays absent when written; {@code otherFields} keeps
 * the members this record does not model, as read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record State(
        String ociVersion,
        String id,
        String status,
        Long pid,
        String bundle,
        Map<String, String> annotations,
        @JsonAnyGetter @JsonAnySetter Map<String, Object> otherFields) {

    public State {
        annotations = OciJson.map(annotations, "annotations");
        otherFields = OciJson.others(otherFields);
    }

    public static final String CREATING = "creating";
    public static final String CREATED = "created";
    public static final String RUNNING = "running";
    public static final String STOPPED = "stopped";

    /** Reads a state object; errors as for {@link Spec#parse(String)}. */
    public static State parse(String json) {
        return OciJson.read(json, State.class, "state", "");
    }

    public String toJson() {
        return OciJson.write(this);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's values, to make a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a {@link State}; a field left unset is absent from the JSON. */
    public static final class Builder {
        private String ociVersion;
        private String id;
        private String status;
        private Long pid;
        private String bundle;
        private Map<String, String> annotations;
        private Map<String, Object> otherFields = Map.of();

        private Builder() {}

        private Builder(State from) {
            ociVersion = from.ociVersion;
            id = from.id;
            status = from.status;
            pid = from.pid;
            bundle = from.bundle;
            annotations = from.annotations;
            otherFields = from.otherFields;
        }

        public Builder ociVersion(String ociVersion) {
            this.ociVersion = ociVersion;
            return this;
        }

        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder status(String status) {
            this.status = status;
            return this;
        }

        public Builder pid(Long pid) {
            this.pid = pid;
            return this;
        }

        public Builder bundle(String bundle) {
            this.bundle = bundle;
            return this;
        }

        public Builder annotations(Map<String, String> annotations) {
            this.annotations = annotations;
            return this;
        }

        public Builder otherFields(Map<String, Object> otherFields) {
            this.otherFields = otherFields;
            return this;
        }

        public State build() {
            return new State(ociVersion, id, status, pid, bundle, annotations, otherFields);
        }
    }
}
