package dev.kyoyu.service.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.service.http.ApiErrors;
import io.helidon.webserver.WebServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the 401 says and counts for each way a bearer token can fail, over a real HTTP listener. */
class AuthenticatorTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final SimpleMeterRegistry REGISTRY = new SimpleMeterRegistry();
    private static Tokens issuer;
    private static WebServer server;

    @BeforeAll
    static void start() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        TokenKeys keys = new TokenKeys(Optional.of(new TokenKeys.SigningKey("k1", (ECPrivateKey) pair.getPrivate())),
                Map.of("k1", (ECPublicKey) pair.getPublic()));
        Clock now = Clock.fixed(NOW, ZoneOffset.UTC);
        issuer = Tokens.issuing(keys, Duration.ofMinutes(5), now);
        // The ingest API's view of the world: it is a minute later, and agent "gone" was revoked.
        Clock later = Clock.fixed(NOW.plusSeconds(60), ZoneOffset.UTC);
        Revocations revocations = (claims, at) -> claims.agentId().equals("gone")
                ? Optional.of("agent gone is revoked") : Optional.empty();
        Authenticator authenticator = new Authenticator(Tokens.verifying(keys, later), revocations, Audience.INGEST, REGISTRY, later);
        server = WebServer.builder().host("127.0.0.1").port(0).routing(routing -> {
            ApiErrors.install(routing);
            routing.get("/who", (req, res) -> res.send(authenticator.authenticate(req).agentId()));
        }).build().start();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    private static HttpResponse<String> get(String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/who"));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String refusal(String authorization) throws Exception {
        HttpResponse<String> response = get(authorization);
        assertEquals(401, response.statusCode(), response.body());
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertEquals("UNAUTHORIZED", error.path("code").asText());
        String message = error.path("message").asText();
        assertFalse(message.matches("(?s).*(auth0|JWT|Exception|ECDSA|signature).*"), "no internals: " + message);
        return message;
    }

    private static double failures(String reason) {
        return REGISTRY.get("kyoyu.auth.failures").tag("reason", reason).counter().count();
    }

    @Test
    void aValidTokenForThisApiIsAdmitted() throws Exception {
        HttpResponse<String> response = get("Bearer " + issuer.issue("agent-a", Role.AGENT, "key-a", Set.of(Audience.INGEST)).token());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("agent-a", response.body());
    }

    @Test
    void eachFailureIsNamedAndCountedUnderItsReason() throws Exception {
        double missing = failures("missing_token");
        double invalid = failures("invalid_token");
        double audience = failures("wrong_audience");
        double revoked = failures("revoked");

        assertTrue(refusal(null).startsWith("missing bearer token"));
        assertTrue(refusal("Basic abc").startsWith("missing bearer token"));
        assertEquals(missing + 2, failures("missing_token"));

        assertTrue(refusal("Bearer not-a-token").startsWith("bearer token is not valid"));
        String expired = issuer.issue("agent-a", Role.AGENT, "key-a", Set.of(Audience.INGEST), Optional.of(Duration.ofSeconds(30))).token();
        assertTrue(refusal("Bearer " + expired).startsWith("bearer token has expired"));
        assertEquals(invalid + 2, failures("invalid_token"));

        String queryOnly = issuer.issue("reader-r", Role.READER, "key-r", Set.of(Audience.QUERY)).token();
        assertTrue(refusal("Bearer " + queryOnly).contains("not meant for this API: its audience lacks kyoyu-ingest"));
        assertEquals(audience + 1, failures("wrong_audience"));

        String gone = issuer.issue("gone", Role.AGENT, "key-g", Set.of(Audience.INGEST)).token();
        assertEquals("bearer token was revoked: agent gone is revoked", refusal("Bearer " + gone));
        assertEquals(revoked + 1, failures("revoked"));
    }
}
