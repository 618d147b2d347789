package dev.kyoyu.testsupport;

import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.service.auth.Audience;
import dev.kyoyu.service.auth.TokenKeys;
import dev.kyoyu.service.auth.Tokens;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Tokens for tests and benchmarks, signed with a key pair generated for this JVM (no key is committed anywhere).
 * Hand {@link #env()} to the services a test starts; {@link #token(String, Role)} then mints what they accept,
 * exactly as {@code POST /auth/token} would. {@link #SECOND} is another key pair, for signing-key rotation.
 */
public final class TestTokens {
    /** Test tokens live the longest a token may, so a slow test never sees its token expire. */
    private static final Duration LIFETIME = Tokens.MAX_LIFETIME;

    /** The key this JVM's services sign and verify with unless a test says otherwise. */
    public static final Key PRIMARY = Key.generate("test-a");
    /** A second key pair: the "new" key of rotation tests, or one the services do not trust. */
    public static final Key SECOND = Key.generate("test-b");

    private TestTokens() {
    }

    /** One EC P-256 key pair with its key id. */
    public static final class Key {
        private final String keyId;
        private final ECPrivateKey privateKey;
        private final ECPublicKey publicKey;
        private final Tokens tokens;

        private Key(String keyId, ECPrivateKey privateKey, ECPublicKey publicKey) {
            this.keyId = keyId;
            this.privateKey = privateKey;
            this.publicKey = publicKey;
            this.tokens = Tokens.issuing(new TokenKeys(Optional.of(new TokenKeys.SigningKey(keyId, privateKey)),
                    Map.of(keyId, publicKey)), LIFETIME, Clock.systemUTC());
        }

        /** A fresh key pair named {@code <prefix>-<random hex>}. */
        public static Key generate(String prefix) {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"));
                KeyPair pair = generator.generateKeyPair();
                byte[] suffix = new byte[4];
                ThreadLocalRandom.current().nextBytes(suffix);
                return new Key(prefix + "-" + HexFormat.of().formatHex(suffix),
                        (ECPrivateKey) pair.getPrivate(), (ECPublicKey) pair.getPublic());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("every JDK generates P-256 keys", e);
            }
        }

        public String keyId() {
            return keyId;
        }

        /** {@code KYOYU_TOKEN_SIGNING_KEY}'s value for this key. */
        public String signingSetting() {
            return keyId + ":" + Base64.getEncoder().encodeToString(privateKey.getEncoded());
        }

        /** One entry of {@code KYOYU_TOKEN_VERIFY_KEYS} for this key. */
        public String verifySetting() {
            return keyId + ":" + Base64.getEncoder().encodeToString(publicKey.getEncoded());
        }

        /** A token of the role's default audiences (a reader's: query only). */
        public String token(String agentId, Role role) {
            return token(agentId, role, Tokens.defaultAudiences(role));
        }

        public String token(String agentId, Role role, Audience... audiences) {
            return token(agentId, role, audiences.length == 0 ? EnumSet.noneOf(Audience.class) : EnumSet.copyOf(Arrays.asList(audiences)));
        }

        private String token(String agentId, Role role, Set<Audience> audiences) {
            return tokens.issue(agentId, role, apiKeyId(agentId), audiences).token();
        }

        /** A token that expires after {@code lifetime} (at most an hour), for expiry tests. */
        public String token(String agentId, Role role, Duration lifetime) {
            return tokens.issue(agentId, role, apiKeyId(agentId), Tokens.defaultAudiences(role), Optional.of(lifetime)).token();
        }

        /** A token from a given API key, issued now, for both APIs (whatever the role: revocation tests ask both). */
        public String token(String agentId, Role role, String apiKeyId) {
            return token(agentId, role, apiKeyId, Instant.now());
        }

        /**
         * A token from a given API key, issued at a given time (a little in the past, say, to stand for one minted
         * before a revocation), for both APIs; it expires a lifetime after that.
         */
        public String token(String agentId, Role role, String apiKeyId, Instant issuedAt) {
            return Tokens.issuing(new TokenKeys(Optional.of(new TokenKeys.SigningKey(keyId, privateKey)), Map.of(keyId, publicKey)),
                    LIFETIME, Clock.fixed(issuedAt, ZoneOffset.UTC)).issue(agentId, role, apiKeyId, EnumSet.allOf(Audience.class)).token();
        }

        @Override
        public String toString() {
            return "TestTokens.Key[" + keyId + "]";
        }
    }

    /**
     * A token per agent, minted on first use and again once half its life is gone, so a load that outlasts one
     * token's hour keeps working while the services still see the same token request after request.
     */
    public static final class Renewing {
        private record Minted(String token, Instant renewAt) {
        }

        private final Key key;
        private final Role role;
        private final Map<String, Minted> minted = new ConcurrentHashMap<>();

        public Renewing(Key key, Role role) {
            this.key = key;
            this.role = role;
        }

        public String token(String agentId) {
            Instant now = Instant.now();
            return minted.compute(agentId, (id, known) -> known != null && now.isBefore(known.renewAt()) ? known
                    : new Minted(key.token(id, role), now.plus(LIFETIME.dividedBy(2)))).token();
        }
    }

    /** The API key id test tokens carry: tests mint without a stored key, so it names the agent. */
    public static String apiKeyId(String agentId) {
        return "test-key-" + agentId;
    }

    /** Settings for a service that signs with {@link #PRIMARY} and trusts it alone. */
    public static Map<String, String> env() {
        return env(PRIMARY, PRIMARY);
    }

    /** A test's own settings plus {@link #env()}. */
    public static Map<String, String> env(Map<String, String> settings) {
        Map<String, String> env = new LinkedHashMap<>(settings);
        env.putAll(env());
        return env;
    }

    /** Settings for a service that signs with {@code signing} and trusts {@code verify}. */
    public static Map<String, String> env(Key signing, Key... verify) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(TokenKeys.SIGNING_KEY, signing.signingSetting());
        env.put(TokenKeys.VERIFY_KEYS, verifySettings(verify));
        return env;
    }

    /** {@code KYOYU_TOKEN_VERIFY_KEYS} trusting these keys. */
    public static String verifySettings(Key... keys) {
        return Stream.of(keys).map(Key::verifySetting).collect(Collectors.joining(","));
    }

    /** A token signed by {@link #PRIMARY}, for the role's default audiences. */
    public static String token(String agentId, Role role) {
        return PRIMARY.token(agentId, role);
    }

    public static String token(String agentId, Role role, Audience... audiences) {
        return PRIMARY.token(agentId, role, audiences);
    }
}
