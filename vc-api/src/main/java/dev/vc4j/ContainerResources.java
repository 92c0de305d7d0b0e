package dev.vc4j;

import java.util.regex.Pattern;

/**
 * New cgroup limits for a running container ({@link Container#update}): the fields of an OCI LinuxResources
 * that the guest applies on an update (crun's {@code update}, on the guest's cgroup v2). A null field stays as
 * it is. {@code memorySwapBytes} is memory and swap together, as in OCI; {@code cpuShares} is the cgroup v1
 * weight (2 to 262144), which the guest maps to cgroup v2's; the CPU quota and period are in microseconds;
 * {@code cpusetCpus} and {@code cpusetMems} are lists such as {@code 0-2,4}.
 */
public record ContainerResources(
        Long memoryLimitBytes,
        Long memoryReservationBytes,
        Long memorySwapBytes,
        Long cpuShares,
        Long cpuQuotaMicros,
        Long cpuPeriodMicros,
        String cpusetCpus,
        String cpusetMems,
        Long pidsLimit) {
    private static final Pattern CPU_LIST = Pattern.compile("[0-9]{1,4}(-[0-9]{1,4})?(,[0-9]{1,4}(-[0-9]{1,4})?)*");

    public static Builder builder() {
        return new Builder();
    }

    /** Throws {@link InvalidConfigException} naming the first bad field, as {@code resources.<field>}. */
    public void validate() {
        if (memoryLimitBytes == null
                && memoryReservationBytes == null
                && memorySwapBytes == null
                && cpuShares == null
                && cpuQuotaMicros == null
                && cpuPeriodMicros == null
                && cpusetCpus == null
                && cpusetMems == null
                && pidsLimit == null) {
            throw new InvalidConfigException("resources", this, "sets no limit");
        }
        atLeast("memoryLimitBytes", memoryLimitBytes, 1);
        atLeast("memoryReservationBytes", memoryReservationBytes, 1);
        atLeast("memorySwapBytes", memorySwapBytes, 1);
        if (memoryLimitBytes != null && memorySwapBytes != null && memorySwapBytes < memoryLimitBytes) {
            throw new InvalidConfigException(
                    "resources.memorySwapBytes",
                    memorySwapBytes,
                    "counts memory and swap together: at least memoryLimitBytes (" + memoryLimitBytes + ")");
        }
        if (cpuShares != null && (cpuShares < 2 || cpuShares > 262_144)) {
            throw new InvalidConfigException("resources.cpuShares", cpuShares, "must be 2 to 262144");
        }
        atLeast("cpuQuotaMicros", cpuQuotaMicros, 1000);
        if (cpuPeriodMicros != null && (cpuPeriodMicros < 1000 || cpuPeriodMicros > 1_000_000)) {
            throw new InvalidConfigException("resources.cpuPeriodMicros", cpuPeriodMicros, "must be 1000 to 1000000");
        }
        cpuList("cpusetCpus", cpusetCpus);
        cpuList("cpusetMems", cpusetMems);
        atLeast("pidsLimit", pidsLimit, 1);
    }

    private static void atLeast(String field, Long value, long min) {
        if (value != null && value < min) {
            throw new InvalidConfigException("resources." + field, value, "must be at least " + min);
        }
    }

    private static void cpuList(String field, String value) {
        if (value != null && !CPU_LIST.matcher(value).matches()) {
            throw new InvalidConfigException(
                    "resources." + field, value, "must be a list of numbers and ranges, " + "such as 0-2,4");
        }
    }

    public static final class Builder {
        private Long memoryLimitBytes;
        private Long memoryReservationBytes;
        private Long memorySwapBytes;
        private Long cpuShares;
        private Long cpuQuotaMicros;
        private Long cpuPeriodMicros;
        private String cpusetCpus;
        private String cpusetMems;
        private Long pidsLimit;

        private Builder() {}

        public Builder memoryLimitBytes(long bytes) {
            this.memoryLimitBytes = bytes;
            return this;
        }

        /** The memory the container is left when the guest runs short (cgroup v2's memory.low). */
        public Builder memoryReservationBytes(long bytes) {
            this.memoryReservationBytes = bytes;
            return this;
        }

        /** Memory and swap together. */
        public Builder memorySwapBytes(long bytes) {
            this.memorySwapBytes = bytes;
            return this;
        }

        public Builder cpuShares(long shares) {
            this.cpuShares = shares;
            return this;
        }

        /** At most {@code quotaMicros} of CPU time in every {@code periodMicros}. */
        public Builder cpuQuota(long quotaMicros, long periodMicros) {
            this.cpuQuotaMicros = quotaMicros;
            this.cpuPeriodMicros = periodMicros;
            return this;
        }

        public Builder cpusetCpus(String cpus) {
            this.cpusetCpus = cpus;
            return this;
        }

        public Builder cpusetMems(String mems) {
            this.cpusetMems = mems;
            return this;
        }

        public Builder pidsLimit(long pids) {
            this.pidsLimit = pids;
            return this;
        }

        public ContainerResources build() {
            return new ContainerResources(
                    memoryLimitBytes,
                    memoryReservationBytes,
                    memorySwapBytes,
                    cpuShares,
                    cpuQuotaMicros,
                    cpuPeriodMicros,
                    cpusetCpus,
                    cpusetMems,
                    pidsLimit);
        }
    }
}
