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
    public static final class Builder {
        private List<LinuxNamespace> namespaces;
        private List<LinuxIdMapping> uidMappings;
        private List<LinuxIdMapping> gidMappings;
        private List<LinuxDevice> devices;
        private String cgroupsPath;
        private LinuxResources resources;
        private Map<String, String> sysctl;
        private LinuxSeccomp seccomp;
        private List<String> maskedPaths;
        private List<String> readonlyPaths;
        private String rootfsPropagation;
        private String mountLabel;
        private Map<String, Object> otherFields = Map.of();

        private Builder() {}

        private Builder(Linux from) {
            namespaces = from.namespaces;
            uidMappings = from.uidMappings;
            gidMappings = from.gidMappings;
            devices = from.devices;
            cgroupsPath = from.cgroupsPath;
            resources = from.resources;
            sysctl = from.sysctl;
            seccomp = from.seccomp;
            maskedPaths = from.maskedPaths;
            readonlyPaths = from.readonlyPaths;
            rootfsPropagation = from.rootfsPropagation;
            mountLabel = from.mountLabel;
            otherFields = from.otherFields;
        }

        public Builder namespaces(List<LinuxNamespace> namespaces) {
            this.namespaces = namespaces;
            return this;
        }

        public Builder namespaces(LinuxNamespace... namespaces) {
            return namespaces(List.of(namespaces));
        }

        public Builder uidMappings(List<LinuxIdMapping> uidMappings) {
            this.uidMappings = uidMappings;
            return this;
        }

        public Builder uidMappings(LinuxIdMapping... uidMappings) {
            return uidMappings(List.of(uidMappings));
        }

        public Builder gidMappings(List<LinuxIdMapping> gidMappings) {
            this.gidMappings = gidMappings;
            return this;
        }

        public Builder gidMappings(LinuxIdMapping... gidMappings) {
            return gidMappings(List.of(gidMappings));
        }

        public Builder devices(List<LinuxDevice> devices) {
            this.devices = devices;
            return this;
        }

        public Builder devices(LinuxDevice... devices) {
            return devices(List.of(devices));
        }

        public Builder cgroupsPath(String cgroupsPath) {
            this.cgroupsPath = cgroupsPath;
            return this;
        }

        public Builder resources(LinuxResources resources) {
            this.resources = resources;
            return this;
        }

        public Builder sysctl(Map<String, String> sysctl) {
            this.sysctl = sysctl;
            return this;
        }

        public Builder seccomp(LinuxSeccomp seccomp) {
            this.seccomp = seccomp;
            return this;
        }

        public Builder maskedPaths(List<String> maskedPaths) {
            this.maskedPaths = maskedPaths;
            return this;
        }

        public Builder maskedPaths(String... maskedPaths) {
            return maskedPaths(List.of(maskedPaths));
        }

        public Builder readonlyPaths(List<String> readonlyPaths) {
            this.readonlyPaths = readonlyPaths;
            return this;
        }

        public Builder readonlyPaths(String... readonlyPaths) {
            return readonlyPaths(List.of(readonlyPaths));
        }

        public Builder rootfsPropagation(String rootfsPropagation) {
            this.rootfsPropagation = rootfsPropagation;
            return this;
        }

        public Builder mountLabel(String mountLabel) {
            this.mountLabel = mountLabel;
            return this;
        }

        public Builder otherFields(Map<String, Object> otherFields) {
            this.otherFields = otherFields;
            return this;
        }

        public Linux build() {
            return new Linux(
                    namespaces,
                    uidMappings,
                    gidMappings,
                    devices,
                    cgroupsPath,
                    resources,
                    sysctl,
                    seccomp,
                    maskedPaths,
                    readonlyPaths,
                    rootfsPropagation,
                    mountLabel,
                    otherFields);
        }
    }
}
