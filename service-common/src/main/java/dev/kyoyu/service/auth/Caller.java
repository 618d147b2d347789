package dev.kyoyu.service.auth;

/** The authenticated agent behind a request; admins may read every agent's traces. */
public record Caller(String agentId, boolean admin) {
}
