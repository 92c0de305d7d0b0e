package dev.vc4j.oci;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * {@code linux}: namespaces, id mappings, devices, the cgroup and its resources, seccomp and the paths to mask or make read-only.
 *
 * <p>A member absent from the JSON is null here and stays absent when written; {@code otherFields} keeps
 * the members this record does not model, as read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Linux(
        List<LinuxNamespace> namespaces,
        List<LinuxIdMapping> uidMappings,
        List<LinuxIdMapping> gidMappings,
        List<LinuxDevice> devices,
        String cgroupsPath,
        LinuxResources resources,
        Map<String, String> sysctl,
        LinuxSeccomp seccomp,
        List<String> maskedPaths,
        List<String> readonlyPaths,
        String rootfsPropagation,
        String mountLabel,
        @JsonAnyGetter @JsonAnySetter Map<String, Object> otherFields) {

    public Linux {
        namespaces = OciJson.list(namespaces, "namespaces");
        uidMappings = OciJson.list(uidMappings, "uidMappings");
        gidMappings = OciJson.list(gidMappings, "gidMappings");
        devices = OciJson.list(devices, "devices");
        sysctl = OciJson.map(sysctl, "sysctl");
        maskedPaths = OciJson.list(maskedPaths, "maskedPaths");
        readonlyPaths = OciJson.list(readonlyPaths, "readonlyPaths");
        otherFields = OciJson.others(otherFields);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's values, to make a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a {@link Linux}; a field left unset is absent from the JSON. */
    public static final class Builder extends OciBuilder<Linux, Builder> {
        private Builder() {
            super(Linux.class);
        }

        private Builder(Linux from) {
            super(from);
        }

        public Builder namespaces(List<LinuxNamespace> namespaces) {
            return set("namespaces", namespaces);
        }

        public Builder namespaces(LinuxNamespace... namespaces) {
            return namespaces(List.of(namespaces));
        }

        public Builder uidMappings(List<LinuxIdMapping> uidMappings) {
            return set("uidMappings", uidMappings);
        }

        public Builder uidMappings(LinuxIdMapping... uidMappings) {
            return uidMappings(List.of(uidMappings));
        }

        public Builder gidMappings(List<LinuxIdMapping> gidMappings) {
            return set("gidMappings", gidMappings);
        }

        public Builder gidMappings(LinuxIdMapping... gidMappings) {
            return gidMappings(List.of(gidMappings));
        }

        public Builder devices(List<LinuxDevice> devices) {
            return set("devices", devices);
        }

        public Builder devices(LinuxDevice... devices) {
            return devices(List.of(devices));
        }

        public Builder cgroupsPath(String cgroupsPath) {
            return set("cgroupsPath", cgroupsPath);
        }

        public Builder resources(LinuxResources resources) {
            return set("resources", resources);
        }

        public Builder sysctl(Map<String, String> sysctl) {
            return set("sysctl", sysctl);
        }

        public Builder seccomp(LinuxSeccomp seccomp) {
            return set("seccomp", seccomp);
        }

        public Builder maskedPaths(List<String> maskedPaths) {
            return set("maskedPaths", maskedPaths);
        }

        public Builder maskedPaths(String... maskedPaths) {
            return maskedPaths(List.of(maskedPaths));
        }

        public Builder readonlyPaths(List<String> readonlyPaths) {
            return set("readonlyPaths", readonlyPaths);
        }

        public Builder readonlyPaths(String... readonlyPaths) {
            return readonlyPaths(List.of(readonlyPaths));
        }

        public Builder rootfsPropagation(String rootfsPropagation) {
            return set("rootfsPropagation", rootfsPropagation);
        }

        public Builder mountLabel(String mountLabel) {
            return set("mountLabel", mountLabel);
        }
    }
}
