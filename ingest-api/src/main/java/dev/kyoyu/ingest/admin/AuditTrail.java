package dev.kyoyu.ingest.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.ingest.ownership.RunOwnership;
import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventIds;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.schemas.event.EventTypes;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The audit record of one admin action: a run of the admin's own (RunStarted, one {@code admin.*} event naming the
 * action's target, RunCompleted), owned like any run, so {@code GET /v1/runs/{id}} and every query read it like
 * any other trace. The payload names agents, key ids, roles and grants; never a key or its hash.
 */
public final class AuditTrail {
    private final RunOwnership ownership;

    public AuditTrail(RunOwnership ownership) {
        this.ownership = ownership;
    }

    /** The run's id and its three events. */
    public record Run(UUID runId, List<AgentEvent> events) {
    }

    public Run record(String adminId, AdminAction action, ObjectNode target, Instant now) {
        UUID runId = ownership.newRunId(adminId);
        ObjectNode started = EventJson.MAPPER.createObjectNode();
        started.putObject("metadata").put("admin_action", action.wireName());
        ObjectNode done = target.deepCopy();
        done.put("action", action.wireName());
        done.put("outcome", "done");
        ObjectNode completed = EventJson.MAPPER.createObjectNode();
        completed.putObject("metadata");
        return new Run(runId, List.of(
                new AgentEvent(EventIds.newId(), runId, adminId, EventTypes.RUN_STARTED, now, now, started),
                new AgentEvent(EventIds.newId(), runId, adminId, action.eventType(), now, now, done),
                new AgentEvent(EventIds.newId(), runId, adminId, EventTypes.RUN_COMPLETED, now, now, completed)));
    }
}
