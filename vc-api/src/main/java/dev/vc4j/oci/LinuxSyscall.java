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
    public static final class Builder extends OciBuilder<LinuxSyscall, Builder> {
        private Builder() {
            super(LinuxSyscall.class);
        }

        private Builder(LinuxSyscall from) {
            super(from);
        }

        public Builder names(List<String> names) {
            return set("names", names);
        }

        public Builder names(String... names) {
            return names(List.of(names));
        }

        public Builder action(String action) {
            return set("action", action);
        }

        public Builder errnoRet(Long errnoRet) {
            return set("errnoRet", errnoRet);
        }

        public Builder args(List<LinuxSeccompArg> args) {
            return set("args", args);
        }

        public Builder args(LinuxSeccompArg... args) {
            return args(List.of(args));
        }
    }
}
