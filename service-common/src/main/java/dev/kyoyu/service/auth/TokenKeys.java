package dev.kyoyu.service.auth;

import dev.kyoyu.service.config.EnvReader;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The keys tokens are signed and verified with: at most one EC P-256 private key ({@code KYOYU_TOKEN_SIGNING_KEY},
 * ingest-api only) and every public key a token may be signed by ({@code KYOYU_TOKEN_VERIFY_KEYS}). Several verify
 * keys at once let the signing key rotate without downtime: publish the new public key everywhere, switch the
 * signing key, and remove the old public key once its last tokens have expired.
 *
 * @param signing the key new tokens are signed with; empty on a process that only verifies
 * @param verify  public keys by key id ({@code kid})
 */
public record TokenKeys(Optional<SigningKey> signing, Map<String, ECPublicKey> verify) {
    public static final String SIGNING_KEY = "KYOYU_TOKEN_SIGNING_KEY";
    public static final String VERIFY_KEYS = "KYOYU_TOKEN_VERIFY_KEYS";
    private static final Pattern KEY_ID = Pattern.compile("^[A-Za-z0-9._-]{1,64}$");
    private static final String KID_RULE = "1-64 characters of letters, digits and . _ -";
    private static final ECParameterSpec P256 = p256();

    public TokenKeys {
        verify = Map.copyOf(verify);
    }

    /** A private key and its id; never printed. */
    public record SigningKey(String keyId, ECPrivateKey privateKey) {
        @Override
        public String toString() {
            return "SigningKey[keyId=" + keyId + ", privateKey=[REDACTED]]";
        }
    }

    /** Verify keys only: query-api holds no private key. */
    public static TokenKeys verifying(EnvReader r) {
        return new TokenKeys(Optional.empty(), verifyKeys(r));
    }

    /** A signing key and the verify keys, which must include the signing key's own public key under its id. */
    public static TokenKeys signingAndVerifying(EnvReader r) {
        Map<String, ECPublicKey> verify = verifyKeys(r);
        SigningKey signing = signingKey(r);
        if (signing != null && !verify.isEmpty()) {
            ECPublicKey own = verify.get(signing.keyId());
            if (own == null) {
                r.problem(SIGNING_KEY + " has key id " + signing.keyId() + ", which is not among " + VERIFY_KEYS
                        + " (" + String.join(", ", verify.keySet()) + "): its own tokens would be refused");
            } else if (!pair(signing.privateKey(), own)) {
                r.problem(SIGNING_KEY + " (key id " + signing.keyId() + ") does not match the public key " + VERIFY_KEYS
                        + " lists under that id");
            }
        }
        return new TokenKeys(Optional.ofNullable(signing), verify);
    }

    private static Map<String, ECPublicKey> verifyKeys(EnvReader r) {
        String value = r.string(VERIFY_KEYS, null);
        Map<String, ECPublicKey> keys = new LinkedHashMap<>();
        if (value == null) {
            r.problem(VERIFY_KEYS + " is required: a comma-separated list of <kid>:<base64 X.509 DER of an EC P-256 public key>"
                    + " (deploy/local/env.sh generates one)");
            return keys;
        }
        int position = 0;
        for (String entry : value.split(",")) {
            position++;
            String where = VERIFY_KEYS + " entry " + position;
            String[] parts = entry.trim().split(":", 2);
            if (parts.length != 2 || !KEY_ID.matcher(parts[0]).matches()) {
                r.problem(where + " must be <kid>:<base64 X.509 DER>, with a kid of " + KID_RULE);
                continue;
            }
            if (keys.containsKey(parts[0])) {
                r.problem(where + " repeats key id " + parts[0]);
                continue;
            }
            try {
                ECPublicKey key = (ECPublicKey) KeyFactory.getInstance("EC")
                        .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(parts[1].trim())));
                if (!isP256(key.getParams())) {
                    r.problem(where + " (key id " + parts[0] + ") is not a P-256 key");
                    continue;
                }
                keys.put(parts[0], key);
            } catch (IllegalArgumentException | GeneralSecurityException | ClassCastException e) {
                r.problem(where + " (key id " + parts[0] + ") is not a base64 X.509 DER EC public key");
            }
        }
        return keys;
    }

    private static SigningKey signingKey(EnvReader r) {
        Secret secret = r.optionalSecret(SIGNING_KEY);
        if (secret == null) {
            r.problem(SIGNING_KEY + " is required: <kid>:<base64 PKCS#8 DER of an EC P-256 private key>"
                    + " (deploy/local/env.sh generates one)");
            return null;
        }
        // The value is a secret: no problem message may quote it.
        String[] parts = secret.reveal().split(":", 2);
        if (parts.length != 2 || !KEY_ID.matcher(parts[0]).matches()) {
            r.problem(SIGNING_KEY + " must be <kid>:<base64 PKCS#8 DER>, with a kid of " + KID_RULE);
            return null;
        }
        try {
            ECPrivateKey key = (ECPrivateKey) KeyFactory.getInstance("EC")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(parts[1].trim())));
            if (!isP256(key.getParams())) {
                r.problem(SIGNING_KEY + " (key id " + parts[0] + ") is not a P-256 key");
                return null;
            }
            return new SigningKey(parts[0], key);
        } catch (IllegalArgumentException | GeneralSecurityException | ClassCastException e) {
            r.problem(SIGNING_KEY + " (key id " + parts[0] + ") is not a base64 PKCS#8 DER EC private key");
            return null;
        }
    }

    private static boolean isP256(ECParameterSpec params) {
        return params.getCurve().equals(P256.getCurve()) && params.getGenerator().equals(P256.getGenerator())
                && params.getOrder().equals(P256.getOrder());
    }

    private static ECParameterSpec p256() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK knows secp256r1", e);
        }
    }

    /** Whether the two halves belong together: a probe signed by one verifies with the other. */
    private static boolean pair(ECPrivateKey privateKey, ECPublicKey publicKey) {
        try {
            byte[] probe = "kyoyu token key probe".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(privateKey);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
