package dev.vc4j.qemu;

import dev.vc4j.Accelerator;
import dev.vc4j.HypervisorConfig;
import dev.vc4j.Volume;
import dev.vc4j.spi.NetworkEndpoint;
import dev.vc4j.spi.VmSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.IntFunction;

/**
 * The VM shape a template serves, and how a sandbox's spec maps onto it. Two specs share a template when their
 * QEMU command lines differ only in what is the sandbox's own: its name, run files, shared directory and
 * volume paths, hostname, MAC addresses (the guest keeps the template's; {@link #guestMacs}) and user-mode network
 * (each clone joins its own passt once loaded; {@link CloneNetwork}). The key is a
 * hash of the template's own command line, so any option a spec adds makes a new shape. {@link #inputs} names
 * the files behind it (QEMU binary, kernel, initrd, firmware) by size, time and inode: a template whose inputs
 * changed is stale.
 */
record TemplateShape(String key, HypervisorConfig config, Accelerator accel, List<String> guestMacs, String inputs) {
    /** The guest hostname while the template boots; each clone gets its own through the agent. */
    static final String TEMPLATE_HOSTNAME = "vc4j";

    private static final Path KEY_ROOT = Path.of("/vc4j-template");

    /** The shape of {@code spec}, or why no template can serve it. */
    static Shaped of(VmSpec spec, Accelerator accel) {
        if (!spec.drives().isEmpty()) {
            return Shaped.no("its drives are plugged at boot");
        }
        for (NetworkEndpoint nic : spec.network()) {
            if (nic.backend() != NetworkEndpoint.Backend.PASST) {
                return Shaped.no("interface " + nic.guestName() + " is not user-mode: its MAC is seen outside");
            }
        }
        List<String> macs = new ArrayList<>();
        for (int i = 0; i < spec.network().size(); i++) {
            macs.add(String.format("02:76:63:34:6a:%02x", i));
        }
        TemplateShape unkeyed = new TemplateShape("", spec.config(), accel, macs, "");
        String key = hash(String.join("\0", unkeyed.templateArgv(unkeyed.templateSpec(spec, KEY_ROOT))));
        return new Shaped(Optional.of(new TemplateShape(key, spec.config(), accel, macs, inputs(spec.config()))), "");
    }

    /** A shape, or the reason there is none. */
    record Shaped(Optional<TemplateShape> shape, String reason) {
        static Shaped no(String reason) {
            return new Shaped(Optional.empty(), reason);
        }
    }

    /** The template VM's own spec: {@code spec} with the sandbox's own parts moved under {@code dir}. */
    VmSpec templateSpec(VmSpec spec, Path dir) {
        List<Volume> volumes = new ArrayList<>();
        for (Volume v : spec.volumes()) {
            volumes.add(new Volume(v.mountTag(), dir.resolve("volumes").resolve(v.mountTag())));
        }
        return new VmSpec(
                "template",
                TEMPLATE_HOSTNAME,
                config,
                withTemplateMacs(spec.network()),
                dir.resolve("run"),
                spec.hostCache(),
                volumes,
                List.of(),
                spec.sharedDir() == null ? null : dir.resolve("shared"));
    }

    /** A clone's spec: the sandbox's own, but with the template's MACs and hostname, which its guest keeps. */
    private VmSpec cloneSpec(VmSpec spec) {
        return new VmSpec(
                spec.sandboxId(),
                TEMPLATE_HOSTNAME,
                spec.config(),
                withTemplateMacs(spec.network()),
                spec.runDir(),
                spec.hostCache(),
                spec.volumes(),
                spec.drives(),
                spec.sharedDir());
    }

    List<NetworkEndpoint> withTemplateMacs(List<NetworkEndpoint> network) {
        List<NetworkEndpoint> out = new ArrayList<>();
        for (int i = 0; i < network.size(); i++) {
            NetworkEndpoint n = network.get(i);
            out.add(new NetworkEndpoint(
                    n.backend(),
                    n.guestName(),
                    guestMacs.get(i),
                    n.ipv4(),
                    n.gateway(),
                    n.dns(),
                    n.mtu(),
                    n.hostLink(),
                    n.namespace()));
        }
        return out;
    }

    /**
     * The template VM's argv for its spec ({@link #templateSpec}), without the memory backend and migration
     * options: its interfaces on sockets nobody joins ({@link CloneNetwork}).
     */
    List<String> templateArgv(VmSpec template) {
        return argv(template, index -> CloneNetwork.templateNetdev(template.runDir(), index));
    }

    /**
     * The argv of a clone for sandbox {@code spec}, without the memory backend and migration options: its interfaces
     * on hubs that get the sandbox's passt once the clone is loaded ({@link CloneNetwork}).
     */
    List<String> cloneArgv(VmSpec spec) {
        return argv(cloneSpec(spec), CloneNetwork::cloneNetdev);
    }

    private List<String> argv(VmSpec spec, IntFunction<String> netdev) {
        return QemuCommandLine.forSandbox(
                spec, accel, new RunFiles(spec.runDir()), OptionalLong.empty(), (nic, index) -> netdev.apply(index));
    }

    private static String inputs(HypervisorConfig config) {
        StringBuilder out = new StringBuilder();
        for (Path file : new Path[] {config.qemuBinary(), config.kernel(), config.initrd(), config.bios()}) {
            if (file == null) {
                continue;
            }
            out.append(file).append(' ');
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                out.append(a.size())
                        .append(' ')
                        .append(a.lastModifiedTime().toMillis())
                        .append(' ')
                        .append(a.fileKey());
            } catch (IOException e) {
                out.append("unreadable");
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
