package dev.kyoyu.bench.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Reads Linux /proc: memory of a process, CPU time of a process or a process tree, and the whole machine. */
public final class ProcStats {
    /** USER_HZ: /proc reports CPU time in these ticks; 100 on every Linux this runs on. */
    public static final double TICKS_PER_SECOND = 100.0;

    private ProcStats() {
    }

    /** A "Name:  123 kB" line of /proc/PID/status, in KiB; -1 when the process is gone. */
    public static long statusKib(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** Peak resident set size since start (or since {@link #resetPeakRss}), in KiB: VmHWM; -1 when gone. */
    public static long peakRssKib(long pid) {
        return statusKib(pid, "VmHWM");
    }

    public static long rssKib(long pid) {
        return statusKib(pid, "VmRSS");
    }

    /** Starts a new peak-RSS window (Linux: writing 5 to clear_refs resets VmHWM); false if refused. */
    public static boolean resetPeakRss(long pid) {
        try {
            Files.writeString(Path.of("/proc", Long.toString(pid), "clear_refs"), "5");
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Fields of /proc/PID/stat after the command name (index 0 = state, the 3rd field); null when gone. */
    static String[] statFields(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    public static long parentPid(long pid) {
        String[] f = statFields(pid);
        return f == null ? -1 : Long.parseLong(f[1]);
    }

    /** utime + stime of one process, in ticks; 0 when it is gone. */
    public static long cpuTicks(long pid) {
        String[] f = statFields(pid);
        return f == null ? 0 : Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /**
     * CPU of a server and its worker processes (PostgreSQL: postmaster plus backends), in ticks: the
     * children alive now, plus what the server has already collected from children that exited.
     */
    public static long treeCpuTicks(long rootPid) {
        String[] root = statFields(rootPid);
        if (root == null) {
            return 0;
        }
        long total = Long.parseLong(root[11]) + Long.parseLong(root[12]) + Long.parseLong(root[13]) + Long.parseLong(root[14]);
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            total += procs.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
                    .mapToLong(Long::parseLong)
                    .filter(pid -> parentPid(pid) == rootPid)
                    .map(ProcStats::cpuTicks).sum();
        } catch (IOException e) {
            // the root alone, then
        }
        return total;
    }

    /** Busy and total ticks of the whole machine (all cores), from the first line of /proc/stat. */
    public static long[] machineTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }
}
