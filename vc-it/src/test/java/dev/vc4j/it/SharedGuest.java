package dev.vc4j.it;

import dev.vc4j.Drive;
import dev.vc4j.HypervisorConfig;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

/** One booted guest for every test of a class: {@code @RegisterExtension static final SharedGuest guest = ...}. */
final class SharedGuest implements BeforeAllCallback, AfterAllCallback {
    private final String name;
    private final HypervisorConfig config;
    private final List<Drive> drives;
    private GuestVm guest;

    SharedGuest(String name, HypervisorConfig config) {
        this(name, config, List.of());
    }

    /** {@code drives} are plugged at boot. */
    SharedGuest(String name, HypervisorConfig config, List<Drive> drives) {
        this.name = name;
        this.config = config;
        this.drives = drives;
    }

    GuestVm get() {
        return guest;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        guest = GuestVm.boot(name, config, List.of(), drives);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (guest != null) {
            guest.close();
            guest = null;
        }
    }
}
