package dev.vc4j.internal;

import dev.vc4j.HostCheck;
import dev.vc4j.HypervisorConfig;
import dev.vc4j.spi.Hypervisor;
import dev.vc4j.spi.Vm;
import dev.vc4j.spi.VmFactory;
import dev.vc4j.spi.VmRecord;
import dev.vc4j.spi.VmSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A hypervisor whose VMs start as clones of templates; a clone is an ordinary VM of the driver afterwards, so
 * everything but {@link #start} goes to the driver.
 */
public final class TemplatedHypervisor implements Hypervisor {
    private final Hypervisor driver;
    private final VmFactory factory;

    public TemplatedHypervisor(Hypervisor driver, VmFactory factory) {
        this.driver = driver;
        this.factory = factory;
    }

    @Override
    public Vm start(VmSpec spec) {
        return factory.start(spec);
    }

    @Override
    public Vm attach(VmRecord record, Path runDir, Duration timeout) {
        return driver.attach(record, runDir, timeout);
    }

    @Override
    public boolean isRunning(VmRecord record) {
        return driver.isRunning(record);
    }

    @Override
    public void destroy(VmRecord record, Path runDir) {
        driver.destroy(record, runDir);
    }

    @Override
    public HostCheck check(HypervisorConfig config, Path hostCache) {
        return driver.check(config, hostCache);
    }

    @Override
    public Optional<VmFactory> templates(Path root) {
        return Optional.of(factory);
    }
}
