package dev.vc4j.oci;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * {@code linux.seccomp}: the system call filter.
 *
 * <p>A member absent from the JSON is null here and stays absent when written; {@code otherFields} keeps
 * the members this record does not model, as read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LinuxSeccomp(
        String defaultAction,
        Long defaultErrnoRet,
        List<String> architectures,
        List<String> flags,
        String listenerPath,
        String listenerMetadata,
        List<LinuxSyscall> syscalls,
        @JsonAnyGetter @JsonAnySetter Map<String, Object> otherFields) {

    public LinuxSeccomp {
        architectures = OciJson.list(architectures, "architectures");
        flags = OciJson.list(flags, "flags");
        syscalls = OciJson.list(syscalls, "syscalls");
        otherFields = OciJson.others(otherFields);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's values, to make a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a {@link LinuxSeccomp}; a field left unset is absent from the JSON. */
    public static final class Builder extends OciBuilder<LinuxSeccomp, Builder> {
        private Builder() {
            super(LinuxSeccomp.class);
        }

        private Builder(LinuxSeccomp from) {
            super(from);
        }

        public Builder defaultAction(String defaultAction) {
            return set("defaultAction", defaultAction);
        }

        public Builder defaultErrnoRet(Long defaultErrnoRet) {
            return set("defaultErrnoRet", defaultErrnoRet);
        }

        public Builder architectures(List<String> architectures) {
            return set("architectures", architectures);
        }

        public Builder architectures(String... architectures) {
            return architectures(List.of(architectures));
        }

        public Builder flags(List<String> flags) {
            return set("flags", flags);
        }

        public Builder flags(String... flags) {
            return flags(List.of(flags));
        }

        public Builder listenerPath(String listenerPath) {
            return set("listenerPath", listenerPath);
        }

        public Builder listenerMetadata(String listenerMetadata) {
            return set("listenerMetadata", listenerMetadata);
        }

        public Builder syscalls(List<LinuxSyscall> syscalls) {
            return set("syscalls", syscalls);
        }

        public Builder syscalls(LinuxSyscall... syscalls) {
            return syscalls(List.of(syscalls));
        }
    }
}
