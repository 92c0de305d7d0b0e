/**
 * The SPI: what the driver modules implement (vc-storage the {@link dev.vc4j.spi.SandboxStore}, vc-hypervisor-qemu
 * the {@link dev.vc4j.spi.Hypervisor}, vc-agent-client the {@link dev.vc4j.spi.Agent}, vc-network the
 * {@link dev.vc4j.spi.Network}), found with {@link java.util.ServiceLoader} or passed to
 * {@link dev.vc4j.VirtContainers#builder()}, and the records they exchange with the engine.
 */
package dev.vc4j.spi;
