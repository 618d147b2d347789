package dev.kyoyu.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi31;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An API's OpenAPI 3.1 document, held against real answers: an answer's status must be one the document lists for
 * the operation, its content type one the document gives for that status, and a JSON body must validate against the
 * schema the document gives (JSON Schema 2020-12 with the OpenAPI dialect, by networknt's validator).
 */
public final class OpenApiContract {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    private final String resource;
    private final JsonNode document;
    private final JsonSchemaFactory schemas = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            builder -> builder.metaSchema(OpenApi31.getInstance()).defaultMetaSchemaIri(OpenApi31.getInstance().getIri()));

    private OpenApiContract(String resource, JsonNode document) {
        this.resource = resource;
        this.document = document;
    }

    /** The document at {@code resource} on the classpath, e.g. {@code openapi/ingest-api.yaml}. */
    public static OpenApiContract load(String resource) {
        try (InputStream in = OpenApiContract.class.getClassLoader().getResourceAsStream(resource)) {
            assertNotNull(in, resource + " is not on the classpath");
            JsonNode document = new YAMLMapper().readTree(in);
            assertEquals("3.1.0", document.path("openapi").asText(), resource + ": an OpenAPI 3.1 document");
            OpenApiContract contract = new OpenApiContract(resource, document);
            contract.assertEveryRefResolves(document);
            return contract;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every documented operation as {@code "METHOD /path/{template}"}, sorted. */
    public Set<String> operations() {
        Set<String> operations = new TreeSet<>();
        document.path("paths").properties().forEach(path -> path.getValue().fieldNames().forEachRemaining(method -> {
            if (METHODS.contains(method)) {
                operations.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }));
        return operations;
    }

    /**
     * Checks one real answer to {@code method} on the documented {@code pathTemplate}: documented status, documented
     * content type, and a body that validates against the documented schema.
     */
    public void check(String method, String pathTemplate, int status, String contentType, String body) {
        String operation = method.toUpperCase(Locale.ROOT) + " " + pathTemplate;
        String responsesPointer = "/paths/" + escape(pathTemplate) + "/" + method.toLowerCase(Locale.ROOT) + "/responses";
        JsonNode responses = document.at(responsesPointer);
        assertTrue(responses.isObject(), operation + " is not documented in " + resource);
        String responsePointer = responsesPointer + "/" + status;
        JsonNode response = document.at(responsePointer);
        if (response.isMissingNode()) {
            fail(operation + " answered " + status + ", which " + resource + " does not list (it lists "
                    + fieldNames(responses) + "): " + body);
        }
        if (response.has("$ref")) {
            responsePointer = localPointer(response.path("$ref").asText());
            response = document.at(responsePointer);
        }
        JsonNode content = response.path("content");
        if (content.isMissingNode()) {
            assertTrue(body == null || body.isEmpty(), operation + " " + status + " is documented without a body");
            return;
        }
        String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        assertTrue(content.has(mediaType), operation + " " + status + " answered Content-Type '" + contentType
                + "'; documented: " + fieldNames(content));
        if (!mediaType.equals("application/json")) {
            return;
        }
        String schemaPointer = responsePointer + "/content/" + escape(mediaType) + "/schema";
        JsonSchema schema = schemas.getSchema(SchemaLocation.of("classpath:" + resource + "#" + schemaPointer));
        JsonNode json;
        try {
            json = new YAMLMapper().readTree(body);
        } catch (IOException e) {
            throw new AssertionError(operation + " " + status + " answered a body that is not JSON: " + body, e);
        }
        Set<ValidationMessage> problems = schema.validate(json);
        assertTrue(problems.isEmpty(), operation + " " + status + " does not match " + resource + " " + schemaPointer
                + ": " + problems + "\nbody: " + body);
    }

    /** {@link #check(String, String, int, String, String)} for an answer read with {@link HttpJson}. */
    public void check(String method, String pathTemplate, HttpJson.Response response) {
        check(method, pathTemplate, response.status(), response.raw().headers().firstValue("Content-Type").orElse(null),
                response.raw().body());
    }

    /**
     * Both directions over HTTP: every documented operation is answered by its route (a documented status, not the
     * not-found fallback), and every other method on a documented path, and a path nobody documented, reach the
     * fallback's 404. Nothing is written: a POST carries {@code token} (a POST without one is refused before routing,
     * whether or not a route exists) and a body that is not JSON, which every route refuses before it writes; any
     * other method goes without token or body (a route then answers 401 itself). {@code samples} fill the path
     * parameters.
     */
    public void assertServesExactlyTheDocumentedRoutes(HttpJson http, String token, Map<String, String> samples) {
        for (String operation : operations()) {
            String method = operation.substring(0, operation.indexOf(' '));
            String template = operation.substring(operation.indexOf(' ') + 1);
            HttpJson.Response answer = probe(http, method, fill(template, samples), token);
            assertFalse(isFallback(answer), operation + " is documented but no route answered it: " + answer.body());
            check(method, template, answer);
        }
        document.path("paths").properties().forEach(path -> {
            for (String method : List.of("GET", "POST", "PUT", "DELETE", "PATCH")) {
                if (!path.getValue().has(method.toLowerCase(Locale.ROOT))) {
                    HttpJson.Response answer = probe(http, method, fill(path.getKey(), samples), token);
                    assertTrue(isFallback(answer), method + " " + path.getKey() + " is not documented, yet answered "
                            + answer.status() + " " + answer.body());
                }
            }
        });
        for (String undocumented : List.of("/", "/v1", "/v2/runs", "/v1/undocumented", "/openapi.json")) {
            for (String method : List.of("GET", "POST")) {
                HttpJson.Response answer = probe(http, method, undocumented, token);
                assertTrue(isFallback(answer), method + " " + undocumented + " is not documented, yet answered " + answer.status());
            }
        }
    }

    private static HttpJson.Response probe(HttpJson http, String method, String path, String token) {
        return method.equals("POST") ? http.send(method, path, token, "text/plain", "not json")
                : http.send(method, path, null, null, null);
    }

    /** The not-found fallback's answer: 404 in the envelope, saying no route matched. */
    public static boolean isFallback(HttpJson.Response answer) {
        return answer.status() == 404 && "NOT_FOUND".equals(answer.error().path("code").asText())
                && answer.error().path("message").asText().startsWith("no route for");
    }

    private static String fill(String template, Map<String, String> samples) {
        String path = template;
        for (Map.Entry<String, String> sample : samples.entrySet()) {
            path = path.replace("{" + sample.getKey() + "}", sample.getValue());
        }
        assertFalse(path.contains("{"), "no sample for a parameter of " + template);
        return path;
    }

    private void assertEveryRefResolves(JsonNode node) {
        if (node.has("$ref")) {
            String ref = node.path("$ref").asText();
            assertFalse(document.at(localPointer(ref)).isMissingNode(), resource + ": $ref " + ref + " points nowhere");
        }
        node.elements().forEachRemaining(this::assertEveryRefResolves);
    }

    private String localPointer(String ref) {
        assertTrue(ref.startsWith("#/"), resource + ": only local $refs are used; got " + ref);
        return ref.substring(1);
    }

    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
