package dev.kyoyu.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.schemas.event.EventJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * HTTP/1.1 over a plain socket, for what a well-behaved client cannot send: broken framing, slow or short bodies,
 * odd request lines and headers. Reads one answer per connection.
 */
public final class RawHttp {
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
    /** A Java class name or a stack frame in a client-facing message. */
    private static final Pattern CLASS_NAME = Pattern.compile("\\b(?:java|javax|com|io|org|dev)\\.[a-z]+\\.[\\w.$]+|Exception\\b");

    private final int port;

    public RawHttp(int port) {
        this.port = port;
    }

    /** One answer; {@code status} is -1 when the server closed the connection without answering. */
    public record Response(int status, Map<String, String> headers, String body) {
        public JsonNode json() {
            try {
                return EventJson.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("answer is not JSON: " + body, e);
            }
        }

        public JsonNode error() {
            return json().path("error");
        }

        /** The documented error envelope with this status and code, a message, and no Java class names. */
        public Response assertError(int expectedStatus, String expectedCode) {
            assertEquals(expectedStatus, status, body);
            assertTrue(headers.getOrDefault("content-type", "").startsWith("application/json"), "content type of " + body);
            assertEquals(expectedCode, error().path("code").asText(), body);
            assertFalse(error().path("message").asText().isBlank(), body);
            assertTrue(json().path("meta").has("request_id"), body);
            assertFalse(CLASS_NAME.matcher(body).find(), "class name in " + body);
            return this;
        }

        public String message() {
            return error().path("message").asText();
        }
    }

    public Socket open() throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout((int) ANSWER_TIMEOUT.toMillis());
        return socket;
    }

    /**
     * Sends the bytes as they are and reads the answer. The bytes are written from another thread while this one
     * reads, since the server may answer (and close) before it has read them all.
     */
    public Response exchange(byte[] request) throws IOException {
        try (Socket socket = open()) {
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    out.write(request);
                    out.flush();
                } catch (IOException e) {
                    // the server stopped reading: its answer says why
                }
            });
            Response response = read(socket);
            socket.close();
            try {
                writer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return response;
        }
    }

    public Response exchange(String request) throws IOException {
        return exchange(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A request head with Host and the given extra header lines (each without CRLF). */
    public static String head(String method, String target, String... headers) {
        StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        return head.append("\r\n").toString();
    }

    public static byte[] concat(String head, byte[] body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
        bytes.writeBytes(body);
        return bytes.toByteArray();
    }

    /** Reads one answer (by its Content-Length, or to the end of the connection). */
    public static Response read(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        String statusLine;
        try {
            statusLine = line(in);
        } catch (IOException e) {
            return new Response(-1, Map.of(), "");
        }
        if (statusLine == null) {
            return new Response(-1, Map.of(), "");
        }
        int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        byte[] body;
        if (headers.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        } else {
            body = in.readAllBytes();
        }
        return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    /** True when the server ends the connection (end of stream or reset) within {@code limit}. */
    public static boolean closedWithin(Socket socket, Duration limit) throws IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        while (System.nanoTime() < deadline) {
            socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            try {
                if (in.read(buffer) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true;
            }
        }
        return false;
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                String s = line.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }
}
