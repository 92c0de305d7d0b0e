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
    public static final class Builder extends OciBuilder<LinuxCpu, Builder> {
        private Builder() {
            super(LinuxCpu.class);
        }

        private Builder(LinuxCpu from) {
            super(from);
        }

        public Builder shares(Long shares) {
            return set("shares", shares);
        }

        public Builder quota(Long quota) {
            return set("quota", quota);
        }

        public Builder burst(Long burst) {
            return set("burst", burst);
        }

        public Builder period(Long period) {
            return set("period", period);
        }

        public Builder realtimeRuntime(Long realtimeRuntime) {
            return set("realtimeRuntime", realtimeRuntime);
        }

        public Builder realtimePeriod(Long realtimePeriod) {
            return set("realtimePeriod", realtimePeriod);
        }

        public Builder cpus(String cpus) {
            return set("cpus", cpus);
        }

        public Builder mems(String mems) {
            return set("mems", mems);
        }

        public Builder idle(Long idle) {
            return set("idle", idle);
        }
    }
}
