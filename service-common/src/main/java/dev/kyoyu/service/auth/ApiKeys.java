package dev.kyoyu.service.auth;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An agent's API key is HMAC-SHA256(api-key secret, agent_id) in hex. The ingest API stays stateless
 * (no key table to read, so authentication keeps working while PostgreSQL is down), and an operator
 * issues a key with {@code ./kyoyu api-key <agent_id>}. Rotating the secret revokes every key.
 */
public final class ApiKeys {
    private final Secret secret;

    public ApiKeys(Secret secret) {
        this.secret = secret;
    }

    public String keyFor(String agentId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.bytes(), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(agentId.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is always available", e);
        }
    }

    /** Constant-time comparison, so response timing does not leak how much of a guess was right. */
    public boolean matches(String agentId, String apiKey) {
        return apiKey != null && MessageDigest.isEqual(
                keyFor(agentId).getBytes(StandardCharsets.US_ASCII), apiKey.getBytes(StandardCharsets.US_ASCII));
    }
}
