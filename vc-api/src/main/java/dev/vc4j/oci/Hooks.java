package dev.vc4j.oci;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * {@code hooks}: programs the runtime runs at points of the container's life, each list in order.
 *
 * <p>A member absent from the JSON is null here and stays absent when written; {@code otherFields} keeps
 * the members this record does not model, as read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Hooks(
        List<Hook> prestart,
        List<Hook> createRuntime,
        List<Hook> createContainer,
        List<Hook> startContainer,
        List<Hook> poststart,
        List<Hook> poststop,
        @JsonAnyGetter @JsonAnySetter Map<String, Object> otherFields) {

    public Hooks {
        prestart = OciJson.list(prestart, "prestart");
        createRuntime = OciJson.list(createRuntime, "createRuntime");
        createContainer = OciJson.list(createContainer, "createContainer");
        startContainer = OciJson.list(startContainer, "startContainer");
        poststart = OciJson.list(poststart, "poststart");
        poststop = OciJson.list(poststop, "poststop");
        otherFields = OciJson.others(otherFields);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's values, to make a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a {@link Hooks}; a field left unset is absent from the JSON. */
    public static final class Builder extends OciBuilder<Hooks, Builder> {
        private Builder() {
            super(Hooks.class);
        }

        private Builder(Hooks from) {
            super(from);
        }

        public Builder prestart(List<Hook> prestart) {
            return set("prestart", prestart);
        }

        public Builder prestart(Hook... prestart) {
            return prestart(List.of(prestart));
        }

        public Builder createRuntime(List<Hook> createRuntime) {
            return set("createRuntime", createRuntime);
        }

        public Builder createRuntime(Hook... createRuntime) {
            return createRuntime(List.of(createRuntime));
        }

        public Builder createContainer(List<Hook> createContainer) {
            return set("createContainer", createContainer);
        }

        public Builder createContainer(Hook... createContainer) {
            return createContainer(List.of(createContainer));
        }

        public Builder startContainer(List<Hook> startContainer) {
            return set("startContainer", startContainer);
        }

        public Builder startContainer(Hook... startContainer) {
            return startContainer(List.of(startContainer));
        }

        public Builder poststart(List<Hook> poststart) {
            return set("poststart", poststart);
        }

        public Builder poststart(Hook... poststart) {
            return poststart(List.of(poststart));
        }

        public Builder poststop(List<Hook> poststop) {
            return set("poststop", poststop);
        }

        public Builder poststop(Hook... poststop) {
            return poststop(List.of(poststop));
        }
    }
}
