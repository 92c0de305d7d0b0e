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
    public static final class Builder {
        private Boolean terminal;
        private ConsoleSize consoleSize;
        private User user;
        private List<String> args;
        private List<String> env;
        private String cwd;
        private LinuxCapabilities capabilities;
        private List<PosixRlimit> rlimits;
        private Boolean noNewPrivileges;
        private String apparmorProfile;
        private Integer oomScoreAdj;
        private String selinuxLabel;
        private Map<String, Object> otherFields = Map.of();

        private Builder() {}

        private Builder(OciProcess from) {
            terminal = from.terminal;
            consoleSize = from.consoleSize;
            user = from.user;
            args = from.args;
            env = from.env;
            cwd = from.cwd;
            capabilities = from.capabilities;
            rlimits = from.rlimits;
            noNewPrivileges = from.noNewPrivileges;
            apparmorProfile = from.apparmorProfile;
            oomScoreAdj = from.oomScoreAdj;
            selinuxLabel = from.selinuxLabel;
            otherFields = from.otherFields;
        }

        public Builder terminal(Boolean terminal) {
            this.terminal = terminal;
            return this;
        }

        public Builder consoleSize(ConsoleSize consoleSize) {
            this.consoleSize = consoleSize;
            return this;
        }

        public Builder user(User user) {
            this.user = user;
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

        public Builder cwd(String cwd) {
            this.cwd = cwd;
            return this;
        }

        public Builder capabilities(LinuxCapabilities capabilities) {
            this.capabilities = capabilities;
            return this;
        }

        public Builder rlimits(List<PosixRlimit> rlimits) {
            this.rlimits = rlimits;
            return this;
        }

        public Builder rlimits(PosixRlimit... rlimits) {
            return rlimits(List.of(rlimits));
        }

        public Builder noNewPrivileges(Boolean noNewPrivileges) {
            this.noNewPrivileges = noNewPrivileges;
            return this;
        }

        public Builder apparmorProfile(String apparmorProfile) {
            this.apparmorProfile = apparmorProfile;
            return this;
        }

        public Builder oomScoreAdj(Integer oomScoreAdj) {
            this.oomScoreAdj = oomScoreAdj;
            return this;
        }

        public Builder selinuxLabel(String selinuxLabel) {
            this.selinuxLabel = selinuxLabel;
            return this;
        }

        public Builder otherFields(Map<String, Object> otherFields) {
            this.otherFields = otherFields;
            return this;
        }

        public OciProcess build() {
            return new OciProcess(
                    terminal,
                    consoleSize,
                    user,
                    args,
                    env,
                    cwd,
                    capabilities,
                    rlimits,
                    noNewPrivileges,
                    apparmorProfile,
                    oomScoreAdj,
                    selinuxLabel,
                    otherFields);
        }
    }
}
