package dev.vc4j.runtime;

import dev.vc4j.Container;
import dev.vc4j.ContainerProcess;
import dev.vc4j.DeleteMode;
import dev.vc4j.Sandbox;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The containers that joined a shim's VM as members of its pod: engines group containers with annotations (CRI-O's
 * {@code io.kubernetes.cri-o.ContainerType} and {@code SandboxID}, containerd CRI's
 * {@code io.kubernetes.cri.container-type} and {@code sandbox-id}); the sandbox container's shim boots the VM, and
 * each member's own shim relays the member's stdio through it. Their records stay theirs: the status written here.
 */
final class PodMembers {
    private static final String CRIO_TYPE = "io.kubernetes.cri-o.ContainerType";
    private static final String CRIO_SANDBOX = "io.kubernetes.cri-o.SandboxID";
    private static final String CRI_TYPE = "io.kubernetes.cri.container-type";
    private static final String CRI_SANDBOX = "io.kubernetes.cri.sandbox-id";

    private final RuntimeRoot root;
    private final Map<String, Container> members = new ConcurrentHashMap<>();

    PodMembers(RuntimeRoot root) {
        this.root = root;
    }

    /** The sandbox whose VM the container of {@code id} with these annotations runs in: its own unless it joins one. */
    static String sandboxOf(String id, Map<String, String> annotations) {
        String type = annotations.getOrDefault(CRIO_TYPE, annotations.get(CRI_TYPE));
        String sandbox = annotations.getOrDefault(CRIO_SANDBOX, annotations.get(CRI_SANDBOX));
        return "container".equals(type) && sandbox != null && !sandbox.isEmpty() ? sandbox : id;
    }

    /** Creates the member from its bundle in {@code sandbox} and returns its process, whose stdio is kept until read. */
    ContainerProcess join(Sandbox sandbox, String id, Path bundle) {
        Container container = sandbox.createContainer(
                LifecycleCommands.readBundle(bundle).toConfig().id(id).build());
        members.put(id, container);
        return container.process();
    }

    Container get(String id) {
        Container container = members.get(id);
        if (container == null) {
            throw RuntimeFailure.notFound(id);
        }
        return container;
    }

    String status(String id) {
        return root.load(id).status();
    }

    synchronized void update(String id, String status) {
        root.write(root.load(id).withStatus(status));
    }

    /** Kills what runs in the member and removes it from the VM; its shim ends when its stdio does. */
    void delete(String id) {
        get(id).delete(DeleteMode.FORCE);
        members.remove(id);
    }
}
