package dev.vc4j.oci;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/**
 * {@code linux.resources.cpu}: shares, quota and period in microseconds, cpusets such as {@code 0-2,4}.
 *
 * <p>A member absent from the JSON is null here and stays absent when written; {@code otherFields} keeps
 * the members this record does not model, as read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LinuxCpu(
        Long shares,
        Long quota,
        Long burst,
        Long period,
        Long realtimeRuntime,
        Long realtimePeriod,
        String cpus,
        String mems,
        Long idle,
        @JsonAnyGetter @JsonAnySetter Map<String, Object> otherFields) {

    public LinuxCpu {
        otherFields = OciJson.others(otherFields);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's values, to make a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a {@link LinuxCpu}; a field left unset is absent from the JSON. */
    public static final class Builder {
        private Long shares;
        private Long quota;
        private Long burst;
        private Long period;
        private Long realtimeRuntime;
        private Long realtimePeriod;
        private String cpus;
        private String mems;
        private Long idle;
        private Map<String, Object> otherFields = Map.of();

        private Builder() {}

        private Builder(LinuxCpu from) {
            shares = from.shares;
            quota = from.quota;
            burst = from.burst;
            period = from.period;
            realtimeRuntime = from.realtimeRuntime;
            realtimePeriod = from.realtimePeriod;
            cpus = from.cpus;
            mems = from.mems;
            idle = from.idle;
            otherFields = from.otherFields;
        }

        public Builder shares(Long shares) {
            this.shares = shares;
            return this;
        }

        public Builder quota(Long quota) {
            this.quota = quota;
            return this;
        }

        public Builder burst(Long burst) {
            this.burst = burst;
            return this;
        }

        public Builder period(Long period) {
            this.period = period;
            return this;
        }

        public Builder realtimeRuntime(Long realtimeRuntime) {
            this.realtimeRuntime = realtimeRuntime;
            return this;
        }

        public Builder realtimePeriod(Long realtimePeriod) {
            this.realtimePeriod = realtimePeriod;
            return this;
        }

        public Builder cpus(String cpus) {
            this.cpus = cpus;
            return this;
        }

        public Builder mems(String mems) {
            this.mems = mems;
            return this;
        }

        public Builder idle(Long idle) {
            this.idle = idle;
            return this;
        }

        public Builder otherFields(Map<String, Object> otherFields) {
            this.otherFields = otherFields;
            return this;
        }

        public LinuxCpu build() {
            return new LinuxCpu(
                    shares, quota, burst, period, realtimeRuntime, realtimePeriod, cpus, mems, idle, otherFields);
        }
    }
}
