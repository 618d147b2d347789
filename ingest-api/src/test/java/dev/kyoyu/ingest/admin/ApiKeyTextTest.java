package dev.kyoyu.ingest.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiKeyTextTest {

    @Test
    void aMintedKeyNamesItsIdAndIsStoredAsTheSha256OfItsText() {
        ApiKeyText.Minted key = ApiKeyText.mint();
        assertTrue(key.text().matches("kyoyu_[0-9a-f]{16}_[A-Za-z0-9_-]{43}"), key.keyId());
        assertEquals(Optional.of(key.keyId()), ApiKeyText.keyId(key.text()));
        assertTrue(key.sha256().matches("[0-9a-f]{64}"));
        assertTrue(ApiKeyText.matches(key.text(), key.sha256()));
        assertFalse(key.toString().contains(key.text()), "the key text never reaches a log");
    }

    @Test
    void keysAreRandomAndAnAlteredKeyDoesNotMatch() {
        ApiKeyText.Minted a = ApiKeyText.mint();
        ApiKeyText.Minted b = ApiKeyText.mint();
        assertNotEquals(a.keyId(), b.keyId());
        assertNotEquals(a.text(), b.text());
        String altered = a.text().substring(0, a.text().length() - 1) + (a.text().endsWith("A") ? "B" : "A");
        assertFalse(ApiKeyText.matches(altered, a.sha256()));
        assertFalse(ApiKeyText.matches(b.text(), a.sha256()));
    }

    @Test
    void textThatIsNotAKeyNamesNoKeyId() {
        assertEquals(Optional.empty(), ApiKeyText.keyId(null));
        assertEquals(Optional.empty(), ApiKeyText.keyId("0123456789abcdef"));
        assertEquals(Optional.empty(), ApiKeyText.keyId("kyoyu_0123456789ABCDEF_" + "a".repeat(43)));
        assertEquals(Optional.empty(), ApiKeyText.keyId("kyoyu_0123456789abcdef_" + "a".repeat(42)));
    }
}
