package dev.kyoyu.ingest.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * API key text: {@code kyoyu_<key_id>_<secret>}, key id 16 random lowercase hex characters (it names the key in the
 * identity topic, tokens and audit), secret 32 random bytes base64url without padding. Only the SHA-256 of the whole
 * text is stored: the key carries 256 random bits, so it cannot be guessed offline and a slow password hash would
 * only make every token request dearer.
 */
public final class ApiKeyText {
    private static final Pattern FORMAT = Pattern.compile("^kyoyu_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A newly made key: its text (shown once) and what is stored of it. */
    public record Minted(String keyId, String text, String sha256) {
        @Override
        public String toString() {
            return "Minted[keyId=" + keyId + "]"; // the key text never reaches a log
        }
    }

    private ApiKeyText() {
    }

    public static Minted mint() {
        byte[] id = new byte[8];
        byte[] secret = new byte[32];
        RANDOM.nextBytes(id);
        RANDOM.nextBytes(secret);
        String keyId = HexFormat.of().formatHex(id);
        String text = "kyoyu_" + keyId + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return new Minted(keyId, text, sha256(text));
    }

    /** The key id a well-formed key text names; empty for anything else. */
    public static Optional<String> keyId(String text) {
        Matcher m = text == null ? null : FORMAT.matcher(text);
        return m != null && m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** Lowercase hex SHA-256 of the key text. */
    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /** Whether the text hashes to the stored hash, compared in constant time. */
    public static boolean matches(String text, String storedSha256) {
        return MessageDigest.isEqual(sha256(text).getBytes(StandardCharsets.US_ASCII),
                storedSha256.getBytes(StandardCharsets.US_ASCII));
    }
}
