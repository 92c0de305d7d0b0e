package dev.vc4j.internal;

import dev.vc4j.ContainerResources;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OciSpecTest {

    @Test
    void theLinuxResourcesOfAnUpdateHoldTheFieldsItSetsOnly() {
        assertEquals("{\"memory\":{\"limit\":67108864}}",
                OciSpec.resources(ContainerResources.builder().memoryLimitBytes(64L << 20).build()));
        assertEquals("{\"memory\":{\"reservation\":1,\"swap\":2},\"cpu\":{\"shares\":512,\"quota\":50000,"
                + "\"period\":100000,\"cpus\":\"0-1\",\"mems\":\"0\"},\"pids\":{\"limit\":64}}",
                OciSpec.resources(ContainerResources.builder().memoryReservationBytes(1).memorySwapBytes(2)
                        .cpuShares(512).cpuQuota(50_000, 100_000).cpusetCpus("0-1").cpusetMems("0").pidsLimit(64)
                        .build()));
    }
}
