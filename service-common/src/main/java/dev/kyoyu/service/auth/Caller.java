package dev.kyoyu.service.auth;

import dev.kyoyu.schemas.identity.Role;
import java.util.Objects;

/** The authenticated identity behind a request and its role. */
public record Caller(String agentId, Role role) {

    public Caller {
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(role, "role");
    }

    /** Admins may read every agent's traces and manage identities. */
    public boolean admin() {
        return role == Role.ADMIN;
    }
}
