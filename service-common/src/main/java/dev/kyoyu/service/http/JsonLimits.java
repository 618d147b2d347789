package dev.kyoyu.service.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one JSON request body may hold. Together they bound the tree a body becomes, not only its bytes: a few
 * megabytes of {@code {},{},…} would otherwise become millions of nodes (about 30 bytes of heap per body byte).
 *
 * @param maxBodyBytes    bytes of the whole body (413 beyond it)
 * @param maxNestingDepth arrays and objects inside each other
 * @param maxTokens       JSON tokens in one document: each value, field name, and opening and closing bracket
 * @param maxStringLength characters of one string value
 * @param maxNameLength   characters of one field name
 * @param maxNumberLength characters of one number
 */
public record JsonLimits(long maxBodyBytes, int maxNestingDepth, long maxTokens, int maxStringLength, int maxNameLength,
                         int maxNumberLength) {
    private static final Pattern ALLOWED = Pattern.compile("maximum allowed \\((\\d+)");
    private static final int MAX_NAME_LENGTH = 1024;
    private static final int MAX_NUMBER_LENGTH = 256;
    private static final int MAX_PATH_STEPS = 4;

    /** String values as long as the body (at most Jackson's own default), names and numbers of sane length. */
    public static JsonLimits of(long maxBodyBytes, int maxNestingDepth, long maxTokens) {
        int maxString = (int) Math.min(maxBodyBytes, StreamReadConstraints.DEFAULT_MAX_STRING_LEN);
        return new JsonLimits(maxBodyBytes, maxNestingDepth, maxTokens, maxString, MAX_NAME_LENGTH, MAX_NUMBER_LENGTH);
    }

    StreamReadConstraints constraints() {
        return StreamReadConstraints.builder()
                .maxDocumentLength(maxBodyBytes)
                .maxNestingDepth(maxNestingDepth)
                .maxTokenCount(maxTokens)
                .maxStringLength(maxStringLength)
                .maxNameLength(maxNameLength)
                .maxNumberLength(maxNumberLength)
                .build();
    }

    /** The limit a parser hit, in the client's terms (Jackson's own message names its classes and methods). */
    public static ApiException violation(StreamConstraintsException e) {
        String original = String.valueOf(e.getOriginalMessage());
        String what = original.toLowerCase(Locale.ROOT);
        Matcher allowed = ALLOWED.matcher(original);
        String limit = allowed.find() ? allowed.group(1) : "this API's";
        if (what.startsWith("document length")) {
            return new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "request body exceeds the limit of " + limit + " bytes");
        }
        String message;
        if (what.startsWith("document nesting depth")) {
            message = "JSON nesting depth exceeds the limit of " + limit + " levels";
        } else if (what.startsWith("token count")) {
            message = "JSON holds more than the limit of " + limit + " tokens (values, field names and brackets)";
        } else if (what.startsWith("string value length")) {
            message = "a JSON string is longer than the limit of " + limit + " characters";
        } else if (what.startsWith("name length")) {
            message = "a JSON field name is longer than the limit of " + limit + " characters";
        } else if (what.startsWith("number value length") || what.startsWith("bigdecimal")) {
            message = "a JSON number is longer than the limit of " + limit + " characters";
        } else {
            message = "JSON exceeds a size limit of this API";
        }
        return new ApiException(ErrorCode.INVALID_INPUT, message + location(e), Map.of("field", field(e)));
    }

    /**
     * Where in the document the parser stopped (a limit hit, a syntax error), as a path like {@code events[0].payload.a} (its first few steps:
     * a path as deep as the limit says nothing more), or {@code body} at the top.
     */
    static String field(JsonProcessingException e) {
        if (!(e.getProcessor() instanceof JsonParser parser)) {
            return "body";
        }
        Deque<String> steps = new ArrayDeque<>();
        for (JsonStreamContext context = parser.getParsingContext(); context != null && !context.inRoot(); context = context.getParent()) {
            if (context.inArray()) {
                steps.push("[" + Math.max(0, context.getCurrentIndex()) + "]");
            } else if (context.getCurrentName() != null) {
                String name = context.getCurrentName();
                steps.push("." + (name.length() <= 64 ? name : name.substring(0, 61) + "..."));
            }
        }
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < MAX_PATH_STEPS && !steps.isEmpty(); i++) {
            path.append(steps.pop());
        }
        String field = path.toString().replaceFirst("^\\.", "");
        return field.isEmpty() ? "body" : field;
    }

    private static String location(StreamConstraintsException e) {
        return e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }
}
