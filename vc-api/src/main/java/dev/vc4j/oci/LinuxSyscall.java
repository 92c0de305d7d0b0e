package dev.vc4j.oci;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * One rule of {@code linux.seccomp.syscalls}.
 *
 * <p>A member absent from the JSON is null here and stays absent when written; {@code otherFields} keeps
 * the members this record does not model, as read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LinuxSyscall(
        List<String> names,
        String action,
        Long errnoRet,
        List<LinuxSeccompArg> args,
        @JsonAnyGetter @JsonAnySetter Map<String, Object> otherFields) {

    public LinuxSyscall {
        names = OciJson.list(names, "names");
        args = OciJson.list(args, "args");
        otherFields = OciJson.others(otherFields);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's values, to make a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a {@link LinuxSyscall}; a field left unset is absent from the JSON. */
    public static final class Builder {
        private List<String> names;
        private String action;
        private Long errnoRet;
        private List<LinuxSeccompArg> args;
        private Map<String, Object> otherFields = Map.of();

        private Builder() {}

        private Builder(LinuxSyscall from) {
            names = from.names;
            action = from.action;
            errnoRet = from.errnoRet;
            args = from.args;
            otherFields = from.otherFields;
        }

        public Builder names(List<String> names) {
            this.names = names;
            return this;
        }

        public Builder names(String... names) {
            return names(List.of(names));
        }

        public Builder action(String action) {
            this.action = action;
            return this;
        }

        public Builder errnoRet(Long errnoRet) {
            this.errnoRet = errnoRet;
            return this;
        }

        public Builder args(List<LinuxSeccompArg> args) {
            this.args = args;
            return this;
        }

        public Builder args(LinuxSeccompArg... args) {
            return args(List.of(args));
        }

        public Builder otherFields(Map<String, Object> otherFields) {
            this.otherFields = otherFields;
            return this;
        }

        public LinuxSyscall build() {
            return new LinuxSyscall(names, action, errnoRet, args, otherFields);
        }
    }
}
