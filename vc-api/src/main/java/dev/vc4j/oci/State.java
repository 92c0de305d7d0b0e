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
    public static final class Builder extends OciBuilder<State, Builder> {
        private Builder() {
            super(State.class);
        }

        private Builder(State from) {
            super(from);
        }

        public Builder ociVersion(String ociVersion) {
            return set("ociVersion", ociVersion);
        }

        public Builder id(String id) {
            return set("id", id);
        }

        public Builder status(String status) {
            return set("status", status);
        }

        public Builder pid(Long pid) {
            return set("pid", pid);
        }

        public Builder bundle(String bundle) {
            return set("bundle", bundle);
        }

        public Builder annotations(Map<String, String> annotations) {
            return set("annotations", annotations);
        }
    }
}
