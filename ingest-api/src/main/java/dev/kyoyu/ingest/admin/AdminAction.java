package dev.kyoyu.ingest.admin;

/**
 * The admin actions the audit trail records. Event types follow the event-type rule of the contract (a lowercase
 * namespace, then a PascalCase name), like any other event type a client could send.
 */
public enum AdminAction {
    AGENT_CREATED("AgentCreated"),
    KEY_ROTATED("KeyRotated"),
    KEY_REVOKED("KeyRevoked"),
    AGENT_REVOKED("AgentRevoked"),
    ROLE_CHANGED("RoleChanged"),
    ROLE_TOKENS_REVOKED("RoleTokensRevoked"),
    GRANT_GIVEN("GrantGiven"),
    GRANT_WITHDRAWN("GrantWithdrawn");

    private final String name;

    AdminAction(String name) {
        this.name = name;
    }

    /** e.g. {@code admin.AgentCreated} */
    public String eventType() {
        return "admin." + name;
    }

    /** e.g. {@code agent_created}, in the payload */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
