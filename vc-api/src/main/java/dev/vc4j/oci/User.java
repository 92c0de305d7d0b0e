package dev.vc4j.oci;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * {@code process.user}: numeric ids, as the runtime sets them.
 *
 * <p>A member absent from the JSON is null here and stays absent when written; {@code otherFields} keeps
 * the members this record does not model, as read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record User(
        Long uid,
        Long gid,
        Long umask,
        List<Long> additionalGids,
        String username,
        @JsonAnyGetter @JsonAnySetter Map<String, Object> otherFields) {

    public User {
        additionalGids = OciJson.list(additionalGids, "additionalGids");
        otherFields = OciJson.others(otherFields);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's values, to make a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a {@link User}; a field left unset is absent from the JSON. */
    public static final class Builder {
        private Long uid;
        private Long gid;
        private Long umask;
        private List<Long> additionalGids;
        private String username;
        private Map<String, Object> otherFields = Map.of();

        private Builder() {}

        private Builder(User from) {
            uid = from.uid;
            gid = from.gid;
            umask = from.umask;
            additionalGids = from.additionalGids;
            username = from.username;
            otherFields = from.otherFields;
        }

        public Builder uid(Long uid) {
            this.uid = uid;
            return this;
        }

        public Builder gid(Long gid) {
            this.gid = gid;
            return this;
        }

        public Builder umask(Long umask) {
            this.umask = umask;
            return this;
        }

        public Builder additionalGids(List<Long> additionalGids) {
            this.additionalGids = additionalGids;
            return this;
        }

        public Builder additionalGids(Long... additionalGids) {
            return additionalGids(List.of(additionalGids));
        }

        public Builder username(String username) {
            this.username = username;
            return this;
        }

        public Builder otherFields(Map<String, Object> otherFields) {
            this.otherFields = otherFields;
            return this;
        }

        public User build() {
            return new User(uid, gid, umask, additionalGids, username, otherFields);
        }
    }
}
