package dev.kyoyu.bench.ingest;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One keep-alive HTTP/1.1 connection that posts pre-built bodies: the cheapest possible client, so that on a
 * 2-core box the load generator takes as little CPU as it can from the server it measures. Handles
 * Content-Length and chunked answers; reconnects when the server closes.
 */
public final class RawHttpConnection implements AutoCloseable {
    /** Status and body of one answer. */
    public record Answer(int status, String body) {
    }

    private final int port;
    private final int timeoutMillis;
    private Socket socket;
    private OutputStream out;
    private InputStream in;

    public RawHttpConnection(int port, int timeoutMillis) {
        this.port = port;
        this.timeoutMillis = timeoutMillis;
    }

    /** Sends {@code head} (request line and headers, without Content-Length) plus the body; reads the answer. */
    public Answer post(byte[] head, byte[] body) throws IOException {
        if (socket == null) {
            connect();
        }
        try {
            out.write(head);
            out.write(("Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return readAnswer();
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    public static byte[] head(String path, String bearer) {
        return ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + bearer
                + "\r\nContent-Type: application/json\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private void connect() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
        socket.setSoTimeout(timeoutMillis);
        out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    }

    private Answer readAnswer() throws IOException {
        String statusLine = line();
        if (!statusLine.startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP answer: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean closeAfter = false;
        for (String header = line(); !header.isEmpty(); header = line()) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(header.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                closeAfter = true;
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(length > 0 ? (int) length : 256);
        if (chunked) {
            for (long size = Long.parseLong(line().split(";")[0].trim(), 16); size > 0;
                 size = Long.parseLong(line().split(";")[0].trim(), 16)) {
                copy(size, body);
                line();
            }
            for (String trailer = line(); !trailer.isEmpty(); trailer = line()) {
                // trailers are not used
            }
        } else if (length >= 0) {
            copy(length, body);
        } else {
            closeAfter = true;
            in.transferTo(body);
        }
        if (closeAfter) {
            close();
        }
        return new Answer(status, body.toString(StandardCharsets.UTF_8));
    }

    private void copy(long n, ByteArrayOutputStream to) throws IOException {
        byte[] buffer = new byte[(int) Math.min(n, 64 * 1024)];
        while (n > 0) {
            int read = in.read(buffer, 0, (int) Math.min(n, buffer.length));
            if (read < 0) {
                throw new EOFException("connection closed inside a body");
            }
            to.write(buffer, 0, read);
            n -= read;
        }
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder(64);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("connection closed");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    @Override
    public void close() {
        try {
            if (socket != null) {
                socket.close();
            }
        } catch (IOException e) {
            // closing anyway
        } finally {
            socket = null;
        }
    }
}
