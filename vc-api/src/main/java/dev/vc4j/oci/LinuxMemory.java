package dev.vc4j.oci;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/**
 * {@code linux.resources.memory}, in bytes; -1 is unlimited.
 *
 * <p>A member absent from the JSON is null here and stays absent when written; {@code otherFields} keeps
 * the members this record does not model, as read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LinuxMemory(
        Long limit,
        Long reservation,
        Long swap,
        Long kernel,
        Long kernelTCP,
        Long swappiness,
        Boolean disableOOMKiller,
        Boolean useHierarchy,
        Boolean checkBeforeUpdate,
        @JsonAnyGetter @JsonAnySetter Map<String, Object> otherFields) {

    public LinuxMemory {
        otherFields = OciJson.others(otherFields);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's values, to make a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a {@link LinuxMemory}; a field left unset is absent from the JSON. */
    public static final class Builder extends OciBuilder<LinuxMemory, Builder> {
        private Builder() {
            super(LinuxMemory.class);
        }

        private Builder(LinuxMemory from) {
            super(from);
        }

        public Builder limit(Long limit) {
            return set("limit", limit);
        }

        public Builder reservation(Long reservation) {
            return set("reservation", reservation);
        }

        public Builder swap(Long swap) {
            return set("swap", swap);
        }

        public Builder kernel(Long kernel) {
            return set("kernel", kernel);
        }

        public Builder kernelTCP(Long kernelTCP) {
            return set("kernelTCP", kernelTCP);
        }

        public Builder swappiness(Long swappiness) {
            return set("swappiness", swappiness);
        }

        public Builder disableOOMKiller(Boolean disableOOMKiller) {
            return set("disableOOMKiller", disableOOMKiller);
        }

        public Builder useHierarchy(Boolean useHierarchy) {
            return set("useHierarchy", useHierarchy);
        }

        public Builder checkBeforeUpdate(Boolean checkBeforeUpdate) {
            return set("checkBeforeUpdate", checkBeforeUpdate);
        }
    }
}
