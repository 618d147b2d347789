package dev.kyoyu.system.hostile;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The strings hostile cases put into every filter, id and path segment. */
final class Meta {
    /** SQL, LIKE, path and markup metacharacters, and NUL. */
    static final List<String> CHARACTERS = List.of("'", "\"", ";", "--", "%", "_", "\\", "/", "..", "<script>alert(1)</script>",
            "' OR '1'='1", "a\u0000b");
    /** Ids that are not (quite) the run id a path expects. */
    static final List<String> ODD_IDS = List.of("..", "../..", "%2e%2e%2f%2e%2e", "%00", "abc%00def", "not-a-uuid",
            "00000000-0000-0000-0000-000000000000", "00000000000000000000000000000000", "%20", "%C3%A9", "-1", "1e9999");
    /** Ids the HTTP server itself turns down before routing (a path too long, characters a URI may not hold). */
    static final List<String> SERVER_REFUSED_IDS = List.of("x".repeat(5000), "{00000000-0000-0000-0000-000000000000}", "a|b", "a b");
    /** Timestamps outside 1900-01-01..9999-12-31 (TimeWindow), and ones that are no timestamp at all. */
    static final List<String> BAD_TIMES = List.of("+295000-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z",
            "1899-12-31T23:59:59Z", "+10000-01-01T00:00:00Z", "2026-13-45T99:99:99Z");

    private Meta() {
    }

    static String url(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A JSON string literal of {@code value}, NUL and quotes escaped. */
    static String json(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    static String shown(String value) {
        String s = value.replace("\u0000", "\\0");
        return s.length() <= 40 ? s : s.substring(0, 40) + "…(" + s.length() + ")";
    }
}
