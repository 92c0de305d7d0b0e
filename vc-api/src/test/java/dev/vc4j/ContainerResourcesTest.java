package dev.vc4j;

import org.junit.jupiter.api.Test;

import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ContainerResourcesTest {

    private static InvalidConfigException refused(UnaryOperator<ContainerResources.Builder> change) {
        ContainerResources resources =
                change.apply(ContainerResources.builder()).build();
        return assertThrows(InvalidConfigException.class, resources::validate);
    }

    @Test
    void everyLimitWithinItsBoundsIsAccepted() {
        ContainerResources.builder()
                .memoryLimitBytes(64L << 20)
                .memoryReservationBytes(32L << 20)
                .memorySwapBytes(128L << 20)
                .cpuShares(512)
                .cpuQuota(50_000, 100_000)
                .cpusetCpus("0-1,3")
                .cpusetMems("0")
                .pidsLimit(100)
                .build()
                .validate();
    }

    @Test
    void eachBadValueIsRefusedNamingItsFieldAndValue() {
        InvalidConfigException e = refused(b -> b.memoryLimitBytes(0));
        assertEquals("resources.memoryLimitBytes", e.field());
        assertEquals("0", e.value());
        e = refused(b -> b.memoryLimitBytes(64L << 20).memorySwapBytes(32L << 20));
        assertEquals("resources.memorySwapBytes", e.field());
        assertEquals(String.valueOf(32L << 20), e.value());
        e = refused(b -> b.cpuShares(1));
        assertEquals("resources.cpuShares", e.field());
        e = refused(b -> b.cpuQuota(500, 100_000));
        assertEquals("resources.cpuQuotaMicros", e.field());
        assertEquals("500", e.value());
        e = refused(b -> b.cpuQuota(50_000, 2_000_000));
        assertEquals("resources.cpuPeriodMicros", e.field());
        e = refused(b -> b.cpusetCpus("0-1;rm -rf"));
        assertEquals("resources.cpusetCpus", e.field());
        assertEquals("0-1;rm -rf", e.value());
        e = refused(b -> b.cpusetMems(""));
        assertEquals("resources.cpusetMems", e.field());
        e = refused(b -> b.pidsLimit(-1));
        assertEquals("resources.pidsLimit", e.field());
    }

    @Test
    void anUpdateThatSetsNothingIsRefused() {
        assertEquals("resources", refused(b -> b).field());
    }
}
