package dev.vc4j.qemu;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vc4j.spi.NetworkEndpoint;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The network of a template VM and of its clones. The migrated state covers each NIC (virtio-net and its MAC) but
 * not what backs it, so the template and its clones back their NICs differently, and neither needs the sandbox's
 * passt at launch (so no sandbox's socket is in the template's command line, which keys it). The template's NICs
 * listen on unix sockets in its own run directory that nobody joins: no frame comes or goes, which its agent, the
 * guest's only program, does not need. A clone puts each NIC on a hub of its own and, once its state is loaded,
 * gets its own sandbox's passt added to each hub. Connecting that late matters: passt runs one-off, so a clone that
 * connected and then refused the template's state would end the passt the sandbox's cold boot needs.
 * (On QEMU 7.2 the template cannot boot on the bare hub itself, since under qboot a NIC on a hub stops the guest
 * before its kernel prints anything; nor on QEMU's user-mode stack, whose state a clone without it refuses.)
 */
final class CloneNetwork {

    private CloneNetwork() {}

    /** The template's {@code -netdev} value of interface {@code index}, the template running in {@code runDir}. */
    static String templateNetdev(Path runDir, int index) {
        String id = QemuCommandLine.netdevId(index);
        return "stream,id=" + id + ",server=on,addr.type=unix,addr.path="
                + QemuCommandLine.option(runDir.resolve(id + ".sock"));
    }

    /** A clone's {@code -netdev} value of interface {@code index}: a port on hub {@code index}, alone until uplinked. */
    static String cloneNetdev(int index) {
        return "hubport,id=" + QemuCommandLine.netdevId(index) + ",hubid=" + index;
    }

    /** Connects each interface's hub to the passt socket of {@code network}'s endpoint of the same index. */
    static void uplink(QmpClient qmp, List<NetworkEndpoint> network, Duration timeout) {
        for (int i = 0; i < network.size(); i++) {
            String passt = QemuCommandLine.netdevId(i) + "-passt";
            ObjectNode stream =
                    QemuJson.object().put("type", "stream").put("id", passt).put("server", false);
            stream.putObject("addr")
                    .put("type", "unix")
                    .put("path", network.get(i).hostLink());
            qmp.execute("netdev_add", stream, timeout);
            qmp.execute(
                    "netdev_add",
                    QemuJson.object()
                            .put("type", "hubport")
                            .put("id", QemuCommandLine.netdevId(i) + "-uplink")
                            .put("hubid", i)
                            .put("netdev", passt),
                    timeout);
        }
    }
}
