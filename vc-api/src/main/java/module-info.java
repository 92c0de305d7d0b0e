/**
 * vc4j's API ({@code dev.vc4j}), the OCI runtime spec model ({@code dev.vc4j.oci}) and the SPI
 * ({@code dev.vc4j.spi}); the engine ({@code dev.vc4j.internal}) is not exported. The drivers (store,
 * hypervisor, agent, network) are found with {@link java.util.ServiceLoader}, on the class path or the module path.
 * It logs through the slf4j API; the embedder chooses the binding.
 */
module dev.vc4j {
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports dev.vc4j;
    exports dev.vc4j.oci;
    exports dev.vc4j.spi;

    // the model's records are bound by Jackson
    opens dev.vc4j.oci to
            com.fasterxml.jackson.databind;

    uses dev.vc4j.spi.Agent;
    uses dev.vc4j.spi.Hypervisor;
    uses dev.vc4j.spi.Network;
    uses dev.vc4j.spi.SandboxStoreFactory;
}
