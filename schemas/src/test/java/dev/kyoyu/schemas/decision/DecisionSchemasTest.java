package dev.kyoyu.schemas.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.schemas.event.TracedDecision;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The checked-in JSON Schemas of the decision stream say the same as its Java contract. */
class DecisionSchemasTest {
    private static final UUID A = UUID.fromString("0190f0c8-0000-7000-8000-0000000000aa");
    private static final UUID B = UUID.fromString("0190f0c8-0000-7000-8000-0000000000bb");

    private static JsonSchema schema(String name) throws Exception {
        try (InputStream in = DecisionSchemasTest.class.getResourceAsStream("/schemas/" + name)) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{'event_type':'DecisionStarted','payload':{'decision_type':'loan_approval'}}",
            "{'event_type':'DecisionStarted','payload':{'decision_type':'loan_approval','decision_id':'" + "0190f0c8-0000-7000-8000-0000000000aa" + "','metadata':{'k':1}}}",
            "{'event_type':'DecisionStarted','payload':{'decision_type':'9lives'}}",
            "{'event_type':'DecisionStarted','payload':{}}",
            "{'event_type':'DecisionStarted','payload':{'decision_type':'x','extra':1}}",
            "{'event_type':'DecisionStarted','payload':{'decision_type':'x','metadata':[1]}}",
            "{'event_type':'AlternativeConsidered','payload':{'label':'approve','score':0.5,'selected':true,'rejection_reason':null}}",
            "{'event_type':'AlternativeConsidered','payload':{'decision_id':null,'label':'approve'}}",
            "{'event_type':'AlternativeConsidered','payload':{'label':'approve','score':2}}",
            "{'event_type':'AlternativeConsidered','payload':{'label':''}}",
            "{'event_type':'AlternativeConsidered','payload':{'label':'a','note':'x'}}",
            "{'event_type':'AlternativeConsidered','payload':{'label':'a','decision_id':'nope'}}",
            "{'event_type':'EvidenceGathered','payload':{'content':'payslip','source_type':'document','relevance_score':0.9}}",
            "{'event_type':'EvidenceGathered','payload':{'source_uri':'s3://x'}}",
            "{'event_type':'EvidenceGathered','payload':{'content':'x','relevance_score':'high'}}",
            "{'event_type':'ReasoningStepCompleted','payload':{'reasoning':'income is stable'}}",
            "{'event_type':'ReasoningStepCompleted','payload':{'reasoning':'   '}}",
            "{'event_type':'ReasoningStepCompleted','payload':{'step':1}}",
            "{'event_type':'DecisionMade','payload':{'outcome':'approve','confidence':0.7,'valid_from':'2026-11-22T12:00:00Z'}}",
            "{'event_type':'DecisionMade','payload':{'outcome':'approve','valid_from':'2026-11-22 12:00'}}",
            "{'event_type':'DecisionMade','payload':{'confidence':0.7}}",
            "{'event_type':'DecisionMade','payload':{'outcome':'a','confidence':-0.1}}",
            "{'event_type':'DecisionRevised','payload':{'revises':'0190f0c8-0000-7000-8000-0000000000aa','outcome':'deny','alternatives':[{'label':'deny','selected':true}],'evidence':[{'content':'new'}]}}",
            "{'event_type':'DecisionRevised','payload':{'outcome':'deny'}}",
            "{'event_type':'DecisionRevised','payload':{'revises':'0190f0c8-0000-7000-8000-0000000000aa','outcome':'deny','alternatives':[{'label':'x','extra':1}]}}",
            "{'event_type':'DecisionRevised','payload':{'revises':'0190f0c8-0000-7000-8000-0000000000aa','outcome':'deny','evidence':{}}}",
            "{'event_type':'DecisionRevised','payload':{'revises':'0190f0c8-0000-7000-8000-0000000000aa','outcome':'deny','decision_type':'x'}}"
    })
    void theEventSchemaAcceptsExactlyWhatTheParserAccepts(String singleQuoted) throws Exception {
        JsonNode event = EventJson.MAPPER.readTree(singleQuoted.replace('\'', '"'));
        boolean schemaAccepts = schema("decision-events.v1.schema.json").validate(event).isEmpty();
        boolean parserAccepts;
        try {
            DecisionEvents.parse(event.path("event_type").asText(), (ObjectNode) event.get("payload"));
            parserAccepts = true;
        } catch (InvalidDecision e) {
            parserAccepts = false;
        }
        assertEquals(parserAccepts, schemaAccepts, singleQuoted);
    }

    @Test
    void publishedDecisionsMatchTheirSchema() throws Exception {
        JsonSchema schema = schema("decision-record.v1.schema.json");
        DecisionRecord revision = new DecisionRecord(B, UUID.randomUUID(), "agent-1", "loan_approval", "deny", 0.4, "new facts",
                null, Instant.parse("2026-11-22T12:00:00Z"), null, A,
                List.of(new TracedDecision.Alternative("deny", 0.6, true, null)),
                List.of(new TracedDecision.Evidence("other", null, "payslip", null)), UUID.randomUUID());
        JsonNode json = EventJson.MAPPER.readTree(revision.toBytes());
        assertEquals(0, schema.validate(json).size(), () -> schema.validate(json).toString());
        assertTrue(json.has("revises") && json.has("valid_to") && json.get("valid_to").isNull(), json.toString());
        assertEquals(revision, DecisionRecord.fromBytes(revision.toBytes()));

        ObjectNode withoutOutcome = (ObjectNode) json.deepCopy();
        withoutOutcome.remove("outcome");
        assertTrue(!schema.validate(withoutOutcome).isEmpty());
    }

    @Test
    void conflictsMatchTheirSchemaWithSnakeCaseNames() throws Exception {
        JsonSchema schema = schema("conflict-record.v1.schema.json");
        ConflictRecord conflict = new ConflictRecord(ConflictRecord.idFor(A, B), "loan_approval", A, B, "agent-a", "agent-b",
                "approve", "deny", Instant.parse("2026-11-22T12:00:00Z"));
        JsonNode json = EventJson.MAPPER.readTree(conflict.toBytes());
        assertEquals(0, schema.validate(json).size(), () -> schema.validate(json).toString());
        assertEquals(A.toString(), json.path("decision_a_id").asText());
        assertEquals("agent-b", json.path("agent_b_id").asText());
        assertEquals(conflict, ConflictRecord.fromBytes(conflict.toBytes()));
    }

    @Test
    void aConflictIdDependsOnThePairNotItsOrder() {
        assertEquals(ConflictRecord.idFor(A, B), ConflictRecord.idFor(B, A));
        assertTrue(!ConflictRecord.idFor(A, B).equals(ConflictRecord.idFor(A, UUID.randomUUID())));
    }
}
