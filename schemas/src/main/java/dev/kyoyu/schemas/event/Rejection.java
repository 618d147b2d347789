package dev.kyoyu.schemas.event;

/**
 * Why one event of a request was not accepted.
 *
 * @param index position of the event in the request (0-based)
 * @param code  machine-readable reason, e.g. {@code INVALID_OCCURRED_AT}
 * @param field the offending field, or {@code null} when the event as a whole is wrong
 */
public record Rejection(int index, String code, String field, String message) {
}
