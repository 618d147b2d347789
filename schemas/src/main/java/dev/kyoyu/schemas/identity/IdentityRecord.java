package dev.kyoyu.schemas.identity;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One record of the identity topic ({@code kyoyu.identities.v1}, compacted): the whole current state of one agent,
 * API key, role or grant, under {@link #topicKey()}. A later record with the same key replaces the earlier one;
 * nothing is ever deleted (a revocation is a state), so compaction keeps every revocation.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = AgentRecord.class, name = "agent"),
        @JsonSubTypes.Type(value = ApiKeyRecord.class, name = "api_key"),
        @JsonSubTypes.Type(value = RoleRecord.class, name = "role"),
        @JsonSubTypes.Type(value = GrantRecord.class, name = "grant")})
public sealed interface IdentityRecord permits AgentRecord, ApiKeyRecord, RoleRecord, GrantRecord {

    /** The Kafka record key: {@code agent/<id>}, {@code key/<key_id>}, {@code role/<role>}, {@code grant/<grantee>/<owner>}. */
    String topicKey();
}
