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
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for what a well-behaved client cannot send: broken framing, slow, short or lying
 * bodies, odd request lines, headers too large. One request per connection; interim 1xx answers are skipped, a
 * chunked answer body is decoded, and when the server goes silent or resets, what arrived so far is the answer.
 */
public final class RawHttp {
    /** Status of an answer when the server closed the connection (or went silent) without answering. */
    public static final int CLOSED = -1;
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private final int port;
    private final Duration timeout;

    public RawHttp(int port) {
        this(port, ANSWER_TIMEOUT);
    }

    /** @param timeout how long a read waits for the server before taking what arrived as the answer */
    public RawHttp(int port, Duration timeout) {
        this.port = port;
        this.timeout = timeout;
    }

    /** One answer; {@code status} is {@link #CLOSED} when the server closed the connection without answering. */
    public record Response(int status, Map<String, String> headers, String body) {
        public static Response closed(String what) {
            return new Response(CLOSED, Map.of(), what);
        }

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

        /** The documented error envelope with this status and code, a message, and nothing a client may not see. */
        public Response assertError(int expectedStatus, String expectedCode) {
            assertEquals(expectedStatus, status, body);
            assertTrue(headers.getOrDefault("content-type", "").startsWith("application/json"), "content type of " + body);
            assertEquals(expectedCode, error().path("code").asText(), body);
            assertFalse(error().path("message").asText().isBlank(), body);
            assertTrue(json().path("meta").has("request_id"), body);
            ClientFacing.envelopeProblem(body).ifPresent(problem -> {
                throw new AssertionError(problem);
            });
            ClientFacing.leak(body).ifPresent(leak -> {
                throw new AssertionError("the answer leaks " + leak);
            });
            return this;
        }

        public String message() {
            return error().path("message").asText();
        }

        @Override
        public String toString() {
            return (status == CLOSED ? "closed without an answer" : Integer.toString(status)) + " " + ClientFacing.abbreviate(body);
        }
    }

    public Socket open() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), CONNECT_TIMEOUT_MILLIS);
        socket.setSoTimeout((int) timeout.toMillis());
        return socket;
    }

    /** Sends the bytes as they are and reads the answer. */
    public Response exchange(byte[] request) throws IOException {
        return exchange(out -> out.write(request), false);
    }

    public Response exchange(String request) throws IOException {
        return exchange(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Sends the bytes, then shuts the socket's output, so the server sees the body end early (shorter than its Content-Length). */
    public Response exchangeHalfClosed(byte[] request) throws IOException {
        return exchange(out -> out.write(request), true);
    }

    /** Sends {@code request} in {@code pieces} with a pause after each: a slow client. */
    public Response trickle(byte[] request, int pieces, Duration pause) throws IOException {
        int size = Math.max(1, request.length / pieces);
        return exchange(out -> {
            for (int at = 0; at < request.length; at += size) {
                out.write(request, at, Math.min(size, request.length - at));
                out.flush();
                try {
                    Thread.sleep(pause); // the point of the test: a client that sends slowly
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }, false);
    }

    private interface Sender {
        void send(OutputStream out) throws IOException;
    }

    /**
     * The bytes are written from another thread while this one reads, since the server may answer (and close)
     * before it has read them all.
     */
    private Response exchange(Sender sender, boolean halfClose) throws IOException {
        try (Socket socket = open()) {
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    sender.send(out);
                    out.flush();
                    if (halfClose) {
                        socket.shutdownOutput();
                    }
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

    /**
     * A well-formed request with {@code Connection: close}: method, path as sent, headers, body (Content-Length set
     * unless a header gives the length or the framing).
     */
    public static byte[] request(String method, String path, Map<String, String> headers, byte[] body) {
        StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        head.append("Host: 127.0.0.1\r\nConnection: close\r\n");
        boolean hasLength = false;
        for (Map.Entry<String, String> h : headers.entrySet()) {
            head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
            hasLength |= h.getKey().equalsIgnoreCase("Content-Length") || h.getKey().equalsIgnoreCase("Transfer-Encoding");
        }
        if (!hasLength && (body.length > 0 || method.equals("POST"))) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes(body);
        return bytes.toByteArray();
    }

    /**
     * Reads one final answer from the socket, no further than its end (by Content-Length, the last chunk, or the
     * end of the connection). Silence or a reset ends the read: what arrived is the answer, {@link #CLOSED} if
     * no complete head did.
     */
    public static Response read(Socket socket) throws IOException {
        return new AnswerReader(socket.getInputStream()).read();
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

    /** Reads an answer byte by byte where the framing is, so nothing past its end is consumed. */
    private static final class AnswerReader {
        private final InputStream in;
        /** Everything read, for the record of an answer cut short. */
        private final ByteArrayOutputStream seen = new ByteArrayOutputStream();

        AnswerReader(InputStream in) {
            this.in = in;
        }

        Response read() {
            int status;
            Map<String, String> headers;
            try {
                do {
                    String statusLine = line();
                    if (statusLine == null) {
                        return Response.closed(seen.toString(StandardCharsets.UTF_8));
                    }
                    status = Integer.parseInt(statusLine.split(" ", 3)[1]);
                    headers = headers();
                    if (headers == null) {
                        return Response.closed(seen.toString(StandardCharsets.UTF_8));
                    }
                } while (status >= 100 && status < 200); // interim answers (100 Continue): the final one is what counts
            } catch (IOException | RuntimeException e) {
                // silence, a reset, or no HTTP status line: no answer
                return Response.closed(seen.toString(StandardCharsets.UTF_8));
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            try {
                if ("chunked".equalsIgnoreCase(headers.getOrDefault("transfer-encoding", ""))) {
                    chunks(body);
                } else if (headers.containsKey("content-length")) {
                    body.writeBytes(in.readNBytes((int) Long.parseLong(headers.get("content-length"))));
                } else {
                    in.transferTo(body);
                }
            } catch (IOException | RuntimeException e) {
                // silence or a reset after part of the body (an event stream never ends): keep what arrived
            }
            return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
        }

        /** The header lines up to the empty one; null when the connection ends before it. */
        private Map<String, String> headers() throws IOException {
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line = line(); ; line = line()) {
                if (line == null) {
                    return null;
                }
                if (line.isEmpty()) {
                    return headers;
                }
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
                }
            }
        }

        /** Decodes chunks into {@code body} up to the last one (its trailers are left unread); a bad size ends it. */
        private void chunks(ByteArrayOutputStream body) throws IOException {
            for (String sizeLine = line(); sizeLine != null; sizeLine = line()) {
                int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
                if (size == 0) {
                    return;
                }
                byte[] data = in.readNBytes(size);
                body.writeBytes(data);
                if (data.length < size || line() == null) {
                    return;
                }
            }
        }

        /** One line without its CRLF (or LF); null at the end of the stream before any byte of it. */
        private String line() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                seen.write(b);
                if (b == '\n') {
                    String s = line.toString(StandardCharsets.ISO_8859_1);
                    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
                }
                line.write(b);
            }
            return null;
        }
    }
}
