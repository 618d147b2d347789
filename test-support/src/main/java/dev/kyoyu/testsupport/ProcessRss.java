package dev.kyoyu.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of a process on this machine, from {@code /proc/<pid>/status}. */
public final class ProcessRss {
    private ProcessRss() {
    }

    /** The process's peak resident set size so far (VmHWM), in KiB. */
    public static long peakKb(long pid) {
        return statusField(pid, "VmHWM:");
    }

    /** The process's current resident set size (VmRSS), in KiB. */
    public static long currentKb(long pid) {
        return statusField(pid, "VmRSS:");
    }

    private static long statusField(long pid, String field) {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        try {
            return Files.readAllLines(status).stream()
                    .filter(line -> line.startsWith(field))
                    .map(line -> line.substring(field.length()).strip().split("\\s+")[0])
                    .mapToLong(Long::parseLong)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(status + " has no " + field + " line"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + status + " (has process " + pid + " exited?)", e);
        }
    }
}
