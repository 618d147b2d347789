package dev.kyoyu.system.hostile;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The families every API gets, as data: malformed, truncated, deeply nested and invalid-UTF-8 bodies
 * on each endpoint that reads one; header and Content-Length tricks and server-level errors on the
 * raw socket; missing or forged tokens.
 */
final class CommonCases {
    /** Bodies that are not JSON, or not the JSON any endpoint takes. */
    static final List<String> MALFORMED = List.of(
            "", " ", "{", "}", "[", "{\"events\":", "{\"a\":1,}", "{'a':1}", "nul", "tru", "{\"a\":1}{\"b\":2}",
            "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":01}", "{\"a\":.5}", "{\"a\":\"\\x\"}", "/* c */{}", "{\"a\":\"unterminated}",
            "{\"a\" 1}", "{\"a\":1e999999}", "1".repeat(5000), "\"just a string\"", "[1,2,3]", "null", "{\"\u0000\":1}");

    private CommonCases() {
    }

    static List<HostileCase> bodies(List<Endpoint> endpoints, String token) {
        List<HostileCase> cases = new ArrayList<>();
        for (Endpoint e : endpoints) {
            for (String body : MALFORMED) {
                if (e.optionalBody() && (body.isBlank() || body.equals("null"))) {
                    continue; // no body at all is a valid request there
                }
                cases.add(HostileCase.of("malformed-json", e.path() + " <- " + shown(body), e.post(token, body), Expect.clientError()));
            }
            // Without a trailing newline: an NDJSON body cut just before its newline is still whole.
            byte[] valid = e.validBody().strip().getBytes(StandardCharsets.UTF_8);
            for (int cut : new int[] {1, valid.length / 4, valid.length / 2, valid.length - 1}) {
                byte[] truncated = java.util.Arrays.copyOf(valid, Math.max(1, cut));
                cases.add(HostileCase.of("truncated-json", e.path() + " cut at " + cut + " of " + valid.length, e.post(token, truncated),
                        Expect.clientError()));
            }
            for (int depth : new int[] {100, 1_000, 10_000, 100_000}) {
                cases.add(HostileCase.of("deeply-nested-json", e.path() + " arrays " + depth + " deep",
                        e.post(token, nest("[", "]", depth)), Expect.clientError()));
                cases.add(HostileCase.of("deeply-nested-json", e.path() + " objects " + depth + " deep",
                        e.post(token, nestObjects(depth)), Expect.clientError()));
            }
            for (byte[] bad : List.of(new byte[] {(byte) 0xC3, 0x28}, new byte[] {(byte) 0xFF}, new byte[] {(byte) 0xC0, (byte) 0xAF},
                    new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80})) {
                cases.add(HostileCase.of("invalid-utf8", e.path() + " with bytes " + java.util.HexFormat.of().formatHex(bad) + " in a string",
                        e.post(token, withBytesInFirstString(e.validBody(), bad)), Expect.clientError()));
            }
            cases.add(HostileCase.of("invalid-utf8", e.path() + " with a lone surrogate escape",
                    e.post(token, withTextInFirstString(e.validBody(), "\\udc00")), Expect.clientError()));
            cases.add(HostileCase.of("wrong-content-type", e.path() + " as text/plain",
                    Endpoint.post(e.path(), token, "text/plain", e.validBody().getBytes(StandardCharsets.UTF_8)), Expect.clientError()));
        }
        return cases;
    }

    /** Requests the HTTP server itself must turn down: the handler never sees them. */
    static List<HostileCase> protocol(String postPath, String token) {
        String auth = "Authorization: Bearer " + token + "\r\n";
        String head = "POST " + postPath + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + auth + "Content-Type: application/json\r\n";
        List<HostileCase> cases = new ArrayList<>();
        cases.add(raw("bad chunk size", head + "Transfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n"));
        cases.add(raw("chunk size larger than the chunk", head + "Transfer-Encoding: chunked\r\n\r\nfff\r\n{}\r\n0\r\n\r\n"));
        cases.add(raw("negative chunk size", head + "Transfer-Encoding: chunked\r\n\r\n-5\r\n{}\r\n0\r\n\r\n"));
        cases.add(raw("chunk size overflowing a long", head + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n{}\r\n0\r\n\r\n"));
        cases.add(HostileCase.cut("http-protocol", "body shorter than Content-Length",
                (head + "Content-Length: 100\r\n\r\n{\"events\":").getBytes(StandardCharsets.UTF_8), Expect.rejectedByServer()));
        cases.add(HostileCase.cut("http-protocol", "chunked body that ends without its last chunk",
                (head + "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"eve").getBytes(StandardCharsets.UTF_8), Expect.rejectedByServer()));
        cases.add(raw("Content-Length not a number", head + "Content-Length: ten\r\n\r\n{}"));
        cases.add(raw("negative Content-Length", head + "Content-Length: -1\r\n\r\n{}"));
        cases.add(raw("Content-Length beyond a long", head + "Content-Length: 99999999999999999999999\r\n\r\n{}"));
        cases.add(raw("two different Content-Lengths", head + "Content-Length: 2\r\nContent-Length: 5\r\n\r\n{}"));
        cases.add(raw("Content-Length and chunked together", head + "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"));
        cases.add(raw("unknown Transfer-Encoding", head + "Transfer-Encoding: gzip\r\n\r\n{}"));
        cases.add(raw("garbage request line", "GARBAGE\r\n\r\n"));
        cases.add(raw("unknown HTTP version", "GET /health HTTP/9.9\r\nHost: x\r\n\r\n"));
        cases.add(raw("request line with a double space", "GET  /health HTTP/1.1\r\nHost: x\r\n\r\n"));
        cases.add(raw("request line with no version", "GET /health\r\n\r\n"));
        cases.add(raw("binary request line", "\u0001\u0002\u0003 / HTTP/1.1\r\n\r\n"));
        cases.add(raw("header without a colon", "GET /health HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n"));
        cases.add(raw("header name with a space", "GET /health HTTP/1.1\r\nHost: x\r\nBad Name: 1\r\n\r\n"));
        cases.add(raw("obsolete line folding", "GET /health HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n folded\r\n\r\n"));
        cases.add(raw("oversize header", "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(256 * 1024) + "\r\n\r\n"));
        cases.add(raw("too many headers", "GET /health HTTP/1.1\r\nHost: x\r\n" + "X-H: 1\r\n".repeat(20_000) + "\r\n"));
        cases.add(raw("URI too long", "GET /" + "a".repeat(256 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n"));
        cases.add(raw("query string too long", "GET /health?x=" + "a".repeat(256 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n"));
        cases.add(raw("bad percent-encoding in the path", "GET /v1/runs/%zz HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n"));
        cases.add(raw("bad percent-encoding in the query", "GET /health?a=%zz HTTP/1.1\r\nHost: x\r\n\r\n"));
        cases.add(HostileCase.cut("http-protocol", "Expect: 100-continue, then no body",
                (head + "Expect: 100-continue\r\nContent-Length: 10\r\n\r\n").getBytes(StandardCharsets.UTF_8), Expect.rejectedByServer()));
        return cases;
    }

    /** Every endpoint, without a token, with a forged one and with one of the wrong scheme: 401 in the envelope. */
    static List<HostileCase> auth(List<String> getPaths, List<Endpoint> posts) {
        List<String> tokens = List.of("", "Bearer ", "Bearer not.a.jwt", "Basic YTpi",
                "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.",
                "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJob3N0aWxlLWIifQ.c2lnbmF0dXJl");
        List<HostileCase> cases = new ArrayList<>();
        for (String t : tokens) {
            for (String path : getPaths) {
                cases.add(HostileCase.of("auth", "GET " + path + " with '" + t + "'", request("GET", path, t, "", ""), Expect.status(401)));
            }
            for (Endpoint e : posts) {
                cases.add(HostileCase.of("auth", "POST " + e.path() + " with '" + t + "'", request("POST", e.path(), t, e.contentType(), e.validBody()),
                        Expect.status(401)));
            }
        }
        return cases;
    }

    private static byte[] request(String method, String path, String authorization, String contentType, String body) {
        java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
        if (!authorization.isEmpty()) {
            headers.put("Authorization", authorization);
        }
        if (!contentType.isEmpty()) {
            headers.put("Content-Type", contentType);
        }
        return RawHttp.request(method, path, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    private static HostileCase raw(String name, String request) {
        return HostileCase.of("http-protocol", name, request.getBytes(StandardCharsets.ISO_8859_1), Expect.rejectedByServer());
    }

    static String nest(String open, String close, int depth) {
        return open.repeat(depth) + close.repeat(depth);
    }

    private static String nestObjects(int depth) {
        return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
    }

    private static byte[] withBytesInFirstString(String json, byte[] bad) {
        int quote = json.indexOf('"', json.indexOf(':') + 1);
        byte[] before = json.substring(0, quote + 1).getBytes(StandardCharsets.UTF_8);
        byte[] after = json.substring(quote + 1).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(before);
        out.writeBytes(bad);
        out.writeBytes(after);
        return out.toByteArray();
    }

    private static String withTextInFirstString(String json, String text) {
        int quote = json.indexOf('"', json.indexOf(':') + 1);
        return json.substring(0, quote + 1) + text + json.substring(quote + 1);
    }

    private static String shown(String body) {
        String s = body.replace("\u0000", "\\0");
        return s.length() <= 40 ? "'" + s + "'" : "'" + s.substring(0, 40) + "…' (" + s.length() + " chars)";
    }
}
