package dev.kyoyu.service.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** {@code GET /openapi.yaml}: the API's OpenAPI document, read once from the classpath at startup; no token needed. */
public final class OpenApiRoute {
    public static final String PATH = "/openapi.yaml";

    private OpenApiRoute() {
    }

    /** @param resource the document on the classpath, e.g. {@code openapi/ingest-api.yaml} */
    public static void install(HttpRouting.Builder routing, String resource) {
        byte[] document = read(resource);
        routing.get(PATH, (req, res) -> {
            res.status(Status.OK_200);
            res.header(HeaderNames.CONTENT_TYPE, "application/yaml");
            res.header(RequestIds.HEADER, RequestIds.of(req));
            res.send(document);
        });
    }

    private static byte[] read(String resource) {
        try (InputStream in = OpenApiRoute.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the OpenAPI document " + resource + " is not on the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the OpenAPI document " + resource, e);
        }
    }
}
