package dev.vc4j.runtime;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which bundle namespaces are wired into the VM, and runc's rules for an exec's terminal. */
class BundleNetworkTest {
    private static final String LOOPBACK = "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode"
            + " DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n";

    @Test
    void aNamespaceWithLoopbackOnlyIsNotWired() {
        assertFalse(BundleNetwork.hasLinkBesidesLoopback(LOOPBACK));
        assertFalse(BundleNetwork.hasLinkBesidesLoopback(""));
    }

    @Test
    void aVethBesidesLoopbackIsWired() {
        String veth = LOOPBACK
                + "2: eth0@if7: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT"
                + " group default qlen 1000\\    link/ether 2a:1b:3c:4d:5e:6f brd ff:ff:ff:ff:ff:ff link-netnsid 0\n";
        assertTrue(BundleNetwork.hasLinkBesidesLoopback(veth));
    }

    @Test
    void aConsoleSocketNeedsATerminalAndADetachedTerminalNeedsASocket() {
        RuntimeFailure noTerminal = assertThrows(
                RuntimeFailure.class,
                () -> ExecCommand.checkTerminal(false, true, java.nio.file.Path.of("/tmp/console.sock")));
        assertTrue(noTerminal.getMessage().contains("--console-socket /tmp/console.sock"), noTerminal.getMessage());
        RuntimeFailure noSocket = assertThrows(RuntimeFailure.class, () -> ExecCommand.checkTerminal(true, true, null));
        assertTrue(noSocket.getMessage().contains("--console-socket"), noSocket.getMessage());
        ExecCommand.checkTerminal(true, false, null);
        ExecCommand.checkTerminal(false, true, null);
    }
}
