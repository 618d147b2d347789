package dev.kyoyu.system.hostile;

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
 * HTTP/1.1 over a plain socket, so a test can send what no well-behaved client would: a bad request
 * line, a lying Content-Length, a broken chunk, a header too large, a body that never arrives.
 * One request per connection; the answer is read until the server closes or the body is complete.
 */
final class RawHttp {
    /** Status recorded when the server closed the connection (or went silent) without an answer. */
    static final int CLOSED = -1;

    record Answer(int status, Map<String, String> headers, String body) {
        @Override
        public String toString() {
            return (status == CLOSED ? "closed without an answer" : Integer.toString(status)) + " "
                    + (body.length() <= 300 ? body : body.substring(0, 300) + "…");
        }
    }

    private RawHttp() {
    }

    /** A well-formed request: method, path as sent, headers, body (Content-Length set unless a header gives one). */
    static byte[] request(String method, String path, Map<String, String> headers, byte[] body) {
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
        byte[] start = head.toString().getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[start.length + body.length];
        System.arraycopy(start, 0, all, 0, start.length);
        System.arraycopy(body, 0, all, start.length, body.length);
        return all;
    }

    static Answer exchange(int port, byte[] request, Duration timeout) {
        return exchange(port, request, timeout, false);
    }

    /**
     * @param halfClose shut the socket's output after sending, so the server sees the body end early
     *                  (a body shorter than its Content-Length) instead of waiting for the rest
     */
    static Answer exchange(int port, byte[] request, Duration timeout, boolean halfClose) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
                if (halfClose) {
                    socket.shutdownOutput();
                }
            } catch (IOException e) {
                // the server may answer and close before reading everything (e.g. 413 on a huge body): read what it said
            }
            return read(socket.getInputStream());
        } catch (IOException e) {
            return new Answer(CLOSED, Map.of(), e.toString());
        }
    }

    /** Sends {@code request} in pieces with a pause between them: a slow client. */
    static Answer trickle(int port, byte[] request, int pieces, Duration pause, Duration timeout) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            int size = Math.max(1, request.length / pieces);
            try {
                for (int at = 0; at < request.length; at += size) {
                    out.write(request, at, Math.min(size, request.length - at));
                    out.flush();
                    Thread.sleep(pause); // the point of the test: a client that sends slowly
                }
            } catch (IOException e) {
                // the server hung up on the slow client: read whatever it said
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return read(socket.getInputStream());
        } catch (IOException e) {
            return new Answer(CLOSED, Map.of(), e.toString());
        }
    }

    private static Answer read(InputStream in) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) > 0; ) {
                raw.write(buffer, 0, n);
                if (complete(raw.toByteArray())) {
                    break;
                }
            }
        } catch (SocketTimeoutException | java.net.SocketException e) {
            // silence or a reset after (or instead of) the answer: parse what arrived
        }
        return parse(raw.toByteArray());
    }

    private static int headerEnd(byte[] data) {
        for (int i = 0; i + 3 < data.length; i++) {
            if (data[i] == '\r' && data[i + 1] == '\n' && data[i + 2] == '\r' && data[i + 3] == '\n') {
                return i + 4;
            }
        }
        return -1;
    }

    /** Drops leading 1xx answers (100 Continue): the final answer is what a case is judged by. */
    private static byte[] withoutInterimAnswers(byte[] data) {
        while (data.length > 9 && data[9] == '1' && new String(data, 0, 5, StandardCharsets.ISO_8859_1).equals("HTTP/")) {
            int end = headerEnd(data);
            if (end < 0) {
                break;
            }
            data = java.util.Arrays.copyOfRange(data, end, data.length);
        }
        return data;
    }

    private static boolean complete(byte[] data) {
        data = withoutInterimAnswers(data);
        int end = headerEnd(data);
        if (end < 0) {
            return false;
        }
        Map<String, String> headers = headers(new String(data, 0, end, StandardCharsets.ISO_8859_1));
        if (headers.containsKey("content-length")) {
            return data.length - end >= Long.parseLong(headers.get("content-length").trim());
        }
        if ("chunked".equalsIgnoreCase(headers.getOrDefault("transfer-encoding", ""))) {
            return new String(data, end, data.length - end, StandardCharsets.ISO_8859_1).contains("\r\n0\r\n\r\n")
                    || new String(data, end, data.length - end, StandardCharsets.ISO_8859_1).startsWith("0\r\n\r\n");
        }
        return false;
    }

    private static Answer parse(byte[] data) {
        data = withoutInterimAnswers(data);
        int end = headerEnd(data);
        if (data.length == 0 || end < 0) {
            return new Answer(CLOSED, Map.of(), new String(data, StandardCharsets.UTF_8));
        }
        String head = new String(data, 0, end, StandardCharsets.ISO_8859_1);
        String[] statusLine = head.substring(0, head.indexOf("\r\n")).split(" ", 3);
        int status;
        try {
            status = Integer.parseInt(statusLine[1]);
        } catch (RuntimeException e) {
            return new Answer(CLOSED, Map.of(), head);
        }
        Map<String, String> headers = headers(head);
        byte[] body = java.util.Arrays.copyOfRange(data, end, data.length);
        if ("chunked".equalsIgnoreCase(headers.getOrDefault("transfer-encoding", ""))) {
            body = dechunk(body);
        }
        return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static Map<String, String> headers(String head) {
        Map<String, String> headers = new LinkedHashMap<>();
        String[] lines = head.split("\r\n");
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        return headers;
    }

    private static byte[] dechunk(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < body.length) {
            int lineEnd = indexOf(body, at);
            if (lineEnd < 0) {
                break;
            }
            String sizeText = new String(body, at, lineEnd - at, StandardCharsets.ISO_8859_1).split(";")[0].trim();
            int size;
            try {
                size = Integer.parseInt(sizeText, 16);
            } catch (NumberFormatException e) {
                break;
            }
            if (size == 0) {
                break;
            }
            int from = lineEnd + 2;
            out.write(body, from, Math.min(size, body.length - from));
            at = from + size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] data, int from) {
        for (int i = from; i + 1 < data.length; i++) {
            if (data[i] == '\r' && data[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
