package dev.vc4j.oci;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * An OCI runtime spec: a bundle's {@code config.json} (runtime-spec 1.0 to 1.2).
 *
 * <p>A member absent from the JSON is null here and stays absent when written; {@code otherFields} keeps
 * the members this record does not model, as read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Spec(
        String ociVersion,
        OciProcess process,
        Root root,
        String hostname,
        String domainname,
        List<Mount> mounts,
        Hooks hooks,
        Map<String, String> annotations,
        Linux linux,
        @JsonAnyGetter @JsonAnySetter Map<String, Object> otherFields) {

    public Spec {
        mounts = OciJson.list(mounts, "mounts");
        annotations = OciJson.map(annotations, "annotations");
        otherFields = OciJson.others(otherFields);
    }

    /**
     * Reads a config.json. Malformed JSON is an {@link dev.vc4j.InvalidConfigException} of {@code config.json}
     * with the line and column, a value of the wrong type one naming its JSON path ({@code mounts[3].source})
     * and the value. Nothing else is checked: see {@link #validate()}.
     */
    public static Spec parse(String json) {
        return OciJson.read(json, Spec.class, "config.json", "");
    }

    /** As {@link #parse(String)}, for a spec given as {@code field} of a config: errors name {@code field.path}. */
    public static Spec parse(String json, String field) {
        return OciJson.read(json, Spec.class, field, field);
    }

    /**
     * A spec with what a Linux container needs at the least, as vc4j runs one without a spec of its own:
     * runtime-spec 1.0.2, /proc, /dev, /dev/pts and /dev/shm mounted, new pid, mount, ipc and uts namespaces,
     * {@code hostname}. No process and no root: the caller's, or vc4j's.
     */
    public static Spec defaults(String hostname) {
        return builder()
                .ociVersion("1.0.2")
                .hostname(hostname)
                .mounts(
                        Mount.of("/proc", "proc", "proc", "nosuid", "noexec", "nodev"),
                        Mount.of("/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k"),
                        Mount.of(
                                "/dev/pts",
                                "devpts",
                                "devpts",
                                "nosuid",
                                "noexec",
                                "newinstance",
                                "ptmxmode=0666",
                                "mode=0620"),
                        Mount.of("/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777"))
                .linux(Linux.builder()
                        .namespaces(
                                LinuxNamespace.of(LinuxNamespace.PID),
                                LinuxNamespace.of(LinuxNamespace.MOUNT),
                                LinuxNamespace.of(LinuxNamespace.IPC),
                                LinuxNamespace.of(LinuxNamespace.UTS))
                        .build())
                .build();
    }

    /** The spec as config.json: members that are null are left out, unknown members written as read. */
    public String toJson() {
        return OciJson.write(this);
    }

    /**
     * Checks what every runtime must be able to rely on: an {@code ociVersion} of major version 1 (runtime-spec
     * 1.0 to 1.2), mount destinations absolute and without {@code ..}, known namespace types, hook paths
     * absolute and timeouts positive. Throws {@link dev.vc4j.InvalidConfigException} naming the JSON path.
     */
    public void validate() {
        SpecChecks.check(this);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's values, to make a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a {@link Spec}; a field left unset is absent from the JSON. */
    public static final class Builder extends OciBuilder<Spec, Builder> {
        private Builder() {
            super(Spec.class);
        }

        private Builder(Spec from) {
            super(from);
        }

        public Builder ociVersion(String ociVersion) {
            return set("ociVersion", ociVersion);
        }

        public Builder process(OciProcess process) {
            return set("process", process);
        }

        public Builder root(Root root) {
            return set("root", root);
        }

        public Builder hostname(String hostname) {
            return set("hostname", hostname);
        }

        public Builder domainname(String domainname) {
            return set("domainname", domainname);
        }

        public Builder mounts(List<Mount> mounts) {
            return set("mounts", mounts);
        }

        public Builder mounts(Mount... mounts) {
            return mounts(List.of(mounts));
        }

        public Builder hooks(Hooks hooks) {
            return set("hooks", hooks);
        }

        public Builder annotations(Map<String, String> annotations) {
            return set("annotations", annotations);
        }

        public Builder linux(Linux linux) {
            return set("linux", linux);
        }
    }
}
