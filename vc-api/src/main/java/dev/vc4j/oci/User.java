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
    public static final class Builder extends OciBuilder<User, Builder> {
        private Builder() {
            super(User.class);
        }

        private Builder(User from) {
            super(from);
        }

        public Builder uid(Long uid) {
            return set("uid", uid);
        }

        public Builder gid(Long gid) {
            return set("gid", gid);
        }

        public Builder umask(Long umask) {
            return set("umask", umask);
        }

        public Builder additionalGids(List<Long> additionalGids) {
            return set("additionalGids", additionalGids);
        }

        public Builder additionalGids(Long... additionalGids) {
            return additionalGids(List.of(additionalGids));
        }

        public Builder username(String username) {
            return set("username", username);
        }
    }
}
