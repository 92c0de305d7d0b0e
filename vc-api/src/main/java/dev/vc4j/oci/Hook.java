package dev.vc4j.oci;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * One hook: {@code path} absolute, {@code args} its argv, {@code env} its environment, {@code timeout} in seconds.
 *
 * <p>A member absent from the JSON is null here and stays absent when written; {@code otherFields} keeps
 * the members this record does not model, as read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Hook(
        String path,
        List<String> args,
        List<String> env,
        Integer timeout,
        @JsonAnyGetter @JsonAnySetter Map<String, Object> otherFields) {

    public Hook {
        args = OciJson.list(args, "args");
        env = OciJson.list(env, "env");
        otherFields = OciJson.others(otherFields);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's values, to make a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a {@link Hook}; a field left unset is absent from the JSON. */
    public static final class Builder {
        private String path;
        private List<String> args;
        private List<String> env;
        private Integer timeout;
        private Map<String, Object> otherFields = Map.of();

        private Builder() {}

        private Builder(Hook from) {
            path = from.path;
            args = from.args;
            env = from.env;
            timeout = from.timeout;
            otherFields = from.otherFields;
        }

        public Builder path(String path) {
            this.path = path;
            return this;
        }

        public Builder args(List<String> args) {
            this.args = args;
            return this;
        }

        public Builder args(String... args) {
            return args(List.of(args));
        }

        public Builder env(List<String> env) {
            this.env = env;
            return this;
        }

        public Builder env(String... env) {
            return env(List.of(env));
        }

        public Builder timeout(Integer timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder otherFields(Map<String, Object> otherFields) {
            this.otherFields = otherFields;
            return this;
        }

        public Hook build() {
            return new Hook(path, args, env, timeout, otherFields);
        }
    }
}
