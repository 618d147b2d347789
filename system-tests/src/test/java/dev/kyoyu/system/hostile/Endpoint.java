package dev.kyoyu.system.hostile;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A POST endpoint that reads a body, with a body it accepts: the starting point the common families break. */
record Endpoint(String path, String contentType, String validBody, boolean optionalBody) {
    static Endpoint json(String path, String validBody) {
        return new Endpoint(path, "application/json", validBody, false);
    }

    /** An endpoint whose body may be left out (an empty body is then a valid request). */
    static Endpoint optionalJson(String path, String validBody) {
        return new Endpoint(path, "application/json", validBody, true);
    }

    byte[] post(String token, byte[] body) {
        return post(path, token, contentType, body);
    }

    byte[] post(String token, String body) {
        return post(token, body.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] post(String path, String token, String contentType, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (token != null) {
            headers.put("Authorization", "Bearer " + token);
        }
        headers.put("Content-Type", contentType);
        return RawHttp.request("POST", path, headers, body);
    }

    static byte[] postJson(String path, String token, String body) {
        return post(path, token, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] get(String path, String token) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (token != null) {
            headers.put("Authorization", "Bearer " + token);
        }
        return RawHttp.request("GET", path, headers, new byte[0]);
    }
}
