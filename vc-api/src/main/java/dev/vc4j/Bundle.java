package dev.vc4j;

import dev.vc4j.internal.Logs;
import dev.vc4j.internal.OciSpec;
import dev.vc4j.oci.Linux;
import dev.vc4j.oci.LinuxNamespace;
import dev.vc4j.oci.OciProcess;
import dev.vc4j.oci.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An OCI bundle, as engines hand one to a runtime: a directory with config.json and a root file system. Reading
 * it checks it and turns its spec into what the guest runs ({@link #toConfig()}):
 * <ul>
 * <li>the root is {@code root.path}, relative to the bundle or absolute, shared into the guest as a directory
 *     rootfs; {@code root.readonly} is honoured;
 * <li>process, hostname and annotations go as they are;
 * <li>every mount becomes one of the config's {@link Mount}s, in the spec's order: bind mounts of host directories
 *     reach the guest as shares, of host files as copies, read-only where the options say {@code ro}; proc,
 *     sysfs, tmpfs, devpts, mqueue and cgroup mounts are made by crun in the guest;
 * <li>a network namespace with a path is the sandbox's to join ({@link #networkNamespace()}); the container
 *     shares the guest's network. The other namespaces are created in the guest;
 * <li>{@code linux.cgroupsPath} names a cgroup of the host: the container's cgroup is vc4j's in the guest,
 *     with the spec's resources;
 * <li>hooks: prestart and createRuntime run on the host, in that order, once the container is created in the
 *     guest and before it starts, with the OCI state on stdin (a failure fails the create); poststart after the
 *     start and poststop after the delete (failures are logged); each within its {@code timeout}, else 30 s.
 *     createContainer and startContainer run in the guest when their program is there, and are logged and
 *     left out otherwise.
 * </ul>
 * What a VM cannot honour (host devices, AppArmor and SELinux labels, host namespaces to join, sockets bound
 * from the host...) is left out and listed in {@link #findings()}, each one logged; {@link Mode#STRICT} refuses
 * it instead. Bad input is an {@link InvalidConfigException} naming the JSON path and the value; reading creates
 * nothing.
 */
public final class Bundle {
    /** The agent takes requests of at most 4 MiB. */
    private static final long MAX_CONFIG_BYTES = 4L << 20;

    /** Whether what a VM cannot honour is left out and listed, or refused. */
    public enum Mode {
        LENIENT,
        STRICT
    }

    /** Something of the spec a VM cannot honour: the JSON path, its value and what becomes of it. */
    public record Finding(String field, String value, String reason) {
        @Override
        public String toString() {
            return field + " `" + value + "`: " + reason;
        }
    }

    private final Path dir;
    private final Spec spec;
    private final Spec guestSpec;
    private final Path rootfs;
    private final List<Mount> mounts;
    private final Path networkNamespace;
    private final List<Finding> findings;

    private Bundle(
            Path dir,
            Spec spec,
            Spec guestSpec,
            Path rootfs,
            List<Mount> mounts,
            Path networkNamespace,
            List<Finding> findings) {
        this.dir = dir;
        this.spec = spec;
        this.guestSpec = guestSpec;
        this.rootfs = rootfs;
        this.mounts = List.copyOf(mounts);
        this.networkNamespace = networkNamespace;
        this.findings = List.copyOf(findings);
    }

    /** Reads the bundle in {@code dir}; what a VM cannot honour is listed in {@link #findings()} and logged. */
    public static Bundle read(Path dir) {
        return read(dir, Mode.LENIENT);
    }

    /** Reads the bundle in {@code dir}; in {@link Mode#STRICT} the first finding is an InvalidConfigException. */
    public static Bundle read(Path dir, Mode mode) {
        Path bundle = Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize();
        Spec spec = Spec.parse(readConfig(bundle));
        spec.validate();
        OciProcess process = spec.process();
        if (process == null
                || process.args() == null
                || process.args().isEmpty()
                || process.args().get(0).isEmpty()) {
            throw new InvalidConfigException(
                    "process.args",
                    process == null ? null : process.args(),
                    "is required: the program to run and its arguments");
        }
        if (spec.root() == null || spec.root().path() == null) {
            throw new InvalidConfigException("root.path", null, "is required: the bundle's root file system");
        }
        Path rootfs = bundle.resolve(spec.root().path()).normalize();
        if (!Files.isDirectory(rootfs)) {
            throw new InvalidConfigException(
                    "root.path", spec.root().path(), Files.exists(rootfs) ? "is not a directory" : "no such directory");
        }
        List<Finding> findings = new ArrayList<>();
        List<Mount> mounts = BundleMounts.of(bundle, spec.mounts(), findings);
        Linux linux = spec.linux() == null ? null : guestLinux(spec.linux(), findings);
        OciProcess guestProcess = process.toBuilder()
                .apparmorProfile(leftOut(
                        "process.apparmorProfile", process.apparmorProfile(), "the guest has no AppArmor", findings))
                .selinuxLabel(
                        leftOut("process.selinuxLabel", process.selinuxLabel(), "the guest has no SELinux", findings))
                .build();
        Spec guestSpec = spec.toBuilder()
                .process(guestProcess)
                .root(spec.root().toBuilder().path(OciSpec.GUEST_ROOT).build())
                .mounts((List<dev.vc4j.oci.Mount>) null)
                .linux(linux)
                .build();
        if (mode == Mode.STRICT && !findings.isEmpty()) {
            Finding first = findings.get(0);
            throw new InvalidConfigException(first.field(), first.value(), first.reason() + " (strict mode)");
        }
        for (Finding finding : findings) {
            Logs.CONTAINER.warn("bundle {}: {}", bundle, finding);
        }
        return new Bundle(bundle, spec, guestSpec, rootfs, mounts, networkNamespace(spec.linux()), findings);
    }

    private static String readConfig(Path bundle) {
        Path config = bundle.resolve("config.json");
        try {
            if (!Files.isRegularFile(config)) {
                throw new InvalidConfigException(
                        "config.json",
                        config,
                        "no such file: a bundle is a directory " + "with config.json and the root file system");
            }
            if (Files.size(config) > MAX_CONFIG_BYTES) {
                throw new InvalidConfigException("config.json", config, "is larger than 4 MiB");
            }
            return Files.readString(config, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidConfigException("config.json", config, "cannot be read: " + e.getMessage(), e);
        }
    }

    /** The path of the network namespace the spec joins, or null. */
    private static Path networkNamespace(Linux linux) {
        if (linux == null || linux.namespaces() == null) {
            return null;
        }
        return linux.namespaces().stream()
                .filter(ns -> ns.type().equals(LinuxNamespace.NETWORK) && ns.path() != null)
                .map(ns -> Path.of(ns.path()))
                .findFirst()
                .orElse(null);
    }

    /**
     * The spec's {@code linux} as the guest runs it: the network namespace to join left to the sandbox (the
     * VM's network is the container's), host namespaces, devices and labels left out, the cgroup vc4j's.
     */
    private static Linux guestLinux(Linux linux, List<Finding> findings) {
        List<LinuxNamespace> namespaces = null;
        if (linux.namespaces() != null) {
            namespaces = new ArrayList<>();
            for (int i = 0; i < linux.namespaces().size(); i++) {
                LinuxNamespace ns = linux.namespaces().get(i);
                if (ns.path() == null) {
                    namespaces.add(ns);
                } else if (!ns.type().equals(LinuxNamespace.NETWORK)) {
                    findings.add(new Finding(
                            "linux.namespaces[" + i + "].path",
                            ns.path(),
                            "a namespace of the host cannot be joined from the VM: a new one is made in the guest"));
                    namespaces.add(ns.toBuilder().path(null).build());
                }
            }
        }
        if (linux.devices() != null) {
            for (int i = 0; i < linux.devices().size(); i++) {
                findings.add(new Finding(
                        "linux.devices[" + i + "].path",
                        linux.devices().get(i).path(),
                        "devices of the host are not passed through to the VM: left out"));
            }
        }
        Map<String, Object> others = new LinkedHashMap<>(linux.otherFields());
        if (others.remove("intelRdt") != null) {
            findings.add(new Finding(
                    "linux.intelRdt",
                    String.valueOf(linux.otherFields().get("intelRdt")),
                    "the VM has no Intel RDT: left out"));
        }
        return linux.toBuilder()
                .namespaces(namespaces)
                .devices((List<dev.vc4j.oci.LinuxDevice>) null)
                .cgroupsPath(null)
                .mountLabel(leftOut("linux.mountLabel", linux.mountLabel(), "the guest has no SELinux", findings))
                .otherFields(others)
                .build();
    }

    /** Null, with a finding when {@code value} was set. */
    private static String leftOut(String field, String value, String why, List<Finding> findings) {
        if (value != null) {
            findings.add(new Finding(field, value, why + ": left out"));
        }
        return null;
    }

    /** The bundle directory, absolute. */
    public Path dir() {
        return dir;
    }

    /** The spec as config.json has it. */
    public Spec spec() {
        return spec;
    }

    /** The root file system's directory on the host. */
    public Path rootfs() {
        return rootfs;
    }

    /** The network namespace the spec joins, for the sandbox's network; empty when it names none. */
    public Optional<Path> networkNamespace() {
        return Optional.ofNullable(networkNamespace);
    }

    /** What a VM cannot honour: mounts first, then linux, then process; each was left out. */
    public List<Finding> findings() {
        return findings;
    }

    /**
     * A container config builder for the bundle: its spec as the guest runs it, the rootfs, the mounts and the
     * bundle directory set; the id, and anything else vc4j offers (restart policy, dependencies), the caller's.
     */
    public ContainerConfig.Builder toConfig() {
        ContainerConfig.Builder builder = ContainerConfig.builder()
                .ociSpec(guestSpec)
                .rootfs(Rootfs.directory(rootfs))
                .bundle(dir);
        mounts.forEach(builder::mount);
        return builder;
    }
}
