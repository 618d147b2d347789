package dev.kyoyu.query;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/** A Server-Sent Events reader for tests: parses the stream into events on a thread of its own. */
final class SseClient implements AutoCloseable {
    record Event(String id, String name, String data) {
    }

    private final HttpResponse<Stream<String>> response;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final AtomicInteger comments = new AtomicInteger();
    private final Thread reader;
    private volatile boolean ended;

    private SseClient(HttpResponse<Stream<String>> response) {
        this.response = response;
        this.reader = Thread.ofVirtual().start(this::read);
    }

    /** Connects and returns once the response headers arrived (the subscription is registered by then). */
    static SseClient connect(int port, String pathAndQuery, String token, String lastEventId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .header("Accept", "text/event-stream");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        return new SseClient(HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofLines()));
    }

    int status() {
        return response.statusCode();
    }

    private void read() {
        String id = null;
        String name = null;
        StringBuilder data = null;
        try (Stream<String> lines = response.body()) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.isEmpty()) {
                    if (data != null) {
                        events.add(new Event(id, name == null ? "message" : name, data.toString()));
                    }
                    id = null;
                    name = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    comments.incrementAndGet();
                } else {
                    String field = line.contains(":") ? line.substring(0, line.indexOf(':')) : line;
                    String value = line.contains(":") ? line.substring(line.indexOf(':') + 1) : "";
                    value = value.startsWith(" ") ? value.substring(1) : value;
                    switch (field) {
                        case "id" -> id = value;
                        case "event" -> name = value;
                        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                        default -> { }
                    }
                }
            }
        } catch (RuntimeException e) {
            // the connection ended
        } finally {
            ended = true;
        }
    }

    Event next(Duration timeout) throws InterruptedException {
        Event event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (event == null) {
            throw new AssertionError("no event within " + timeout);
        }
        return event;
    }

    /** Events until none arrives for {@code quiet}. */
    List<Event> drain(Duration quiet) throws InterruptedException {
        List<Event> drained = new ArrayList<>();
        for (Event e; (e = events.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) != null; ) {
            drained.add(e);
        }
        return drained;
    }

    int comments() {
        return comments.get();
    }

    boolean ended() {
        return ended;
    }

    @Override
    public void close() throws IOException {
        reader.interrupt();
        response.body().close();
    }
}
