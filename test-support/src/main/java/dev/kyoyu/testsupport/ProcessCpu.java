package dev.kyoyu.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** CPU time a process has used on this machine, from {@code /proc/<pid>/stat}: how hard it worked, not how long it lived. */
public final class ProcessCpu {
    /** USER_HZ, the unit of the stat file's times; 100 on every Linux architecture Java runs on. */
    private static final long TICKS_PER_SECOND = 100;

    private ProcessCpu() {
    }

    /** User plus system time of the process (its threads included, its children not). */
    public static Duration used(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        try {
            String line = Files.readString(stat);
            // The command name (field 2) is in parentheses and may contain spaces: count fields after it.
            String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime: fields 14 and 15
            return Duration.ofMillis(ticks * 1000 / TICKS_PER_SECOND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + stat + " (has process " + pid + " exited?)", e);
        }
    }
}
