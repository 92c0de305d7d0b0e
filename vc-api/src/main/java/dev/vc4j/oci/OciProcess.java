package dev.vc4j.oci;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * The {@code process} of a spec, or a process to exec in a container.
 *
 * <p>A member absent from the JSON is null here and stays absent when written; {@code otherFields} keeps
 * the members this record does not model, as read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OciProcess(
        Boolean terminal,
        ConsoleSize consoleSize,
        User user,
        List<String> args,
        List<String> env,
        String cwd,
        LinuxCapabilities capabilities,
        List<PosixRlimit> rlimits,
        Boolean noNewPrivileges,
        String apparmorProfile,
        Integer oomScoreAdj,
        String selinuxLabel,
        @JsonAnyGetter @JsonAnySetter Map<String, Object> otherFields) {

    public OciProcess {
        args = OciJson.list(args, "args");
        env = OciJson.list(env, "env");
        rlimits = OciJson.list(rlimits, "rlimits");
        otherFields = OciJson.others(otherFields);
    }

    /** Reads a process object (as {@code exec --process} takes it); errors as for {@link Spec#parse(String)}. */
    public static OciProcess parse(String json) {
        return OciJson.read(json, OciProcess.class, "process", "");
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

    /** Builds a {@link OciProcess}; a field left unset is absent from the JSON. */
    public static final class Builder extends OciBuilder<OciProcess, Builder> {
        private Builder() {
            super(OciProcess.class);
        }

        private Builder(OciProcess from) {
            super(from);
        }

        public Builder terminal(Boolean terminal) {
            return set("terminal", terminal);
        }

        public Builder consoleSize(ConsoleSize consoleSize) {
            return set("consoleSize", consoleSize);
        }

        public Builder user(User user) {
            return set("user", user);
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

        public Builder cwd(String cwd) {
            return set("cwd", cwd);
        }

        public Builder capabilities(LinuxCapabilities capabilities) {
            return set("capabilities", capabilities);
        }

        public Builder rlimits(List<PosixRlimit> rlimits) {
            return set("rlimits", rlimits);
        }

        public Builder rlimits(PosixRlimit... rlimits) {
            return rlimits(List.of(rlimits));
        }

        public Builder noNewPrivileges(Boolean noNewPrivileges) {
            return set("noNewPrivileges", noNewPrivileges);
        }

        public Builder apparmorProfile(String apparmorProfile) {
            return set("apparmorProfile", apparmorProfile);
        }

        public Builder oomScoreAdj(Integer oomScoreAdj) {
            return set("oomScoreAdj", oomScoreAdj);
        }

        public Builder selinuxLabel(String selinuxLabel) {
            return set("selinuxLabel", selinuxLabel);
        }
    }
}
