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
    public static final class Builder {
        private String defaultAction;
        private Long defaultErrnoRet;
        private List<String> architectures;
        private List<String> flags;
        private String listenerPath;
        private String listenerMetadata;
        private List<LinuxSyscall> syscalls;
        private Map<String, Object> otherFields = Map.of();

        private Builder() {}

        private Builder(LinuxSeccomp from) {
            defaultAction = from.defaultAction;
            defaultErrnoRet = from.defaultErrnoRet;
            architectures = from.architectures;
            flags = from.flags;
            listenerPath = from.listenerPath;
            listenerMetadata = from.listenerMetadata;
            syscalls = from.syscalls;
            otherFields = from.otherFields;
        }

        public Builder defaultAction(String defaultAction) {
            this.defaultAction = defaultAction;
            return this;
        }

        public Builder defaultErrnoRet(Long defaultErrnoRet) {
            this.defaultErrnoRet = defaultErrnoRet;
            return this;
        }

        public Builder architectures(List<String> architectures) {
            this.architectures = architectures;
            return this;
        }

        public Builder architectures(String... architectures) {
            return architectures(List.of(architectures));
        }

        public Builder flags(List<String> flags) {
            this.flags = flags;
            return this;
        }

        public Builder flags(String... flags) {
            return flags(List.of(flags));
        }

        public Builder listenerPath(String listenerPath) {
            this.listenerPath = listenerPath;
            return this;
        }

        public Builder listenerMetadata(String listenerMetadata) {
            this.listenerMetadata = listenerMetadata;
            return this;
        }

        public Builder syscalls(List<LinuxSyscall> syscalls) {
            this.syscalls = syscalls;
            return this;
        }

        public Builder syscalls(LinuxSyscall... syscalls) {
            return syscalls(List.of(syscalls));
        }

        public Builder otherFields(Map<String, Object> otherFields) {
            this.otherFields = otherFields;
            return this;
        }

        public LinuxSeccomp build() {
            return new LinuxSeccomp(
                    defaultAction,
                    defaultErrnoRet,
                    architectures,
                    flags,
                    listenerPath,
                    listenerMetadata,
                    syscalls,
                    otherFields);
        }
    }
}
