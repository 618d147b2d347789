package dev.kyoyu.sink.chunks;

import java.time.Instant;

/**
 * One chunk of a hypertable as {@code timescaledb_information.chunks} and {@code chunks_detailed_size} describe it.
 *
 * @param totalBytes table, indexes and toast of the chunk (its compressed form when compressed); -1 when unknown
 */
record Chunk(String hypertable, String name, Instant rangeStart, Instant rangeEnd, long totalBytes, boolean compressed) {
}
