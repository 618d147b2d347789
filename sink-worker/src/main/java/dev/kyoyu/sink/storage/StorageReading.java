package dev.kyoyu.sink.storage;

import java.util.Map;

/**
 * What one look at the catalog found.
 *
 * @param tableBytes              each Kyoyu table's size with its indexes and TOAST (a hypertable's over all its chunks)
 * @param compressedChunks        chunks of the schema's hypertables that are compressed
 * @param uncompressedChunks      and those that are not
 * @param oldestUncompressedAgeSeconds how long ago the oldest uncompressed chunk's time range ended (0: none has ended)
 * @param compressionRatios       bytes before / after compression per hypertable that has compressed chunks; empty on an
 *                                edition without compression
 */
record StorageReading(Map<String, Long> tableBytes, long compressedChunks, long uncompressedChunks,
                      double oldestUncompressedAgeSeconds, Map<String, Double> compressionRatios) {
}
