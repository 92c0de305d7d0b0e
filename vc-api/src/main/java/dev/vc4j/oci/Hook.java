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
    public static final class Builder extends OciBuilder<Hook, Builder> {
        private Builder() {
            super(Hook.class);
        }

        private Builder(Hook from) {
            super(from);
        }

        public Builder path(String path) {
            return set("path", path);
        }

        public Builder args(List<String> args) {
            return set("args", args);
        }

        public Builder args(String... args) {
            return args(List.of(args));
        }

        public Builder env(List<String> env) {
            return set("env", env);
        }

        public Builder env(String... env) {
            return env(List.of(env));
        }

        public Builder timeout(Integer timeout) {
            return set("timeout", timeout);
        }
    }
}
