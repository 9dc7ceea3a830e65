package dev.capstan.agent.work;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The resident memory of a child process, as the kernel counts it: what a Go engine uses, which no JVM flag bounds. */
public final class ResidentMemory {
    private ResidentMemory() {
    }

    /** VmRSS of the process whose {@code /proc/<pid>/status} is {@code status}, in bytes; 0 where it is not there. */
    public static long of(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    /** VmRSS of process {@code pid}, in bytes; 0 once it is gone. */
    public static long of(long pid) {
        return of(Path.of("/proc", Long.toString(pid), "status"));
    }
}
