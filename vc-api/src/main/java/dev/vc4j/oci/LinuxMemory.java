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
    public static final class Builder {
        private Long limit;
        private Long reservation;
        private Long swap;
        private Long kernel;
        private Long kernelTCP;
        private Long swappiness;
        private Boolean disableOOMKiller;
        private Boolean useHierarchy;
        private Boolean checkBeforeUpdate;
        private Map<String, Object> otherFields = Map.of();

        private Builder() {}

        private Builder(LinuxMemory from) {
            limit = from.limit;
            reservation = from.reservation;
            swap = from.swap;
            kernel = from.kernel;
            kernelTCP = from.kernelTCP;
            swappiness = from.swappiness;
            disableOOMKiller = from.disableOOMKiller;
            useHierarchy = from.useHierarchy;
            checkBeforeUpdate = from.checkBeforeUpdate;
            otherFields = from.otherFields;
        }

        public Builder limit(Long limit) {
            this.limit = limit;
            return this;
        }

        public Builder reservation(Long reservation) {
            this.reservation = reservation;
            return this;
        }

        public Builder swap(Long swap) {
            this.swap = swap;
            return this;
        }

        public Builder kernel(Long kernel) {
            this.kernel = kernel;
            return this;
        }

        public Builder kernelTCP(Long kernelTCP) {
            this.kernelTCP = kernelTCP;
            return this;
        }

        public Builder swappiness(Long swappiness) {
            this.swappiness = swappiness;
            return this;
        }

        public Builder disableOOMKiller(Boolean disableOOMKiller) {
            this.disableOOMKiller = disableOOMKiller;
            return this;
        }

        public Builder useHierarchy(Boolean useHierarchy) {
            this.useHierarchy = useHierarchy;
            return this;
        }

        public Builder checkBeforeUpdate(Boolean checkBeforeUpdate) {
            this.checkBeforeUpdate = checkBeforeUpdate;
            return this;
        }

        public Builder otherFields(Map<String, Object> otherFields) {
            this.otherFields = otherFields;
            return this;
        }

        public LinuxMemory build() {
            return new LinuxMemory(
                    limit,
                    reservation,
                    swap,
                    kernel,
                    kernelTCP,
                    swappiness,
                    disableOOMKiller,
                    useHierarchy,
                    checkBeforeUpdate,
                    otherFields);
        }
    }
}
