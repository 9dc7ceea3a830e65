package dev.capstan.testcluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child process that cannot outlive this JVM: it runs under a small bash guard that kills it when the JVM is gone,
 * even after a {@code kill -9} of the JVM, so a crashed test run leaves no etcd or apiserver behind.
 */
public final class TetheredProcess implements AutoCloseable {
    private static final String GUARD = """
            parent=$1; shift
            "$@" & child=$!
            trap 'kill -TERM $child 2>/dev/null; wait $child; exit 0' TERM INT
            while kill -0 "$parent" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 1 & wait $!; done
            kill -TERM $child 2>/dev/null; wait $child
            """;

    private final String name;
    private final Process process;
    private final Path log;

    private final String executable;

    private TetheredProcess(String name, Process process, Path log, String executable) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.executable = executable;
    }

    public static TetheredProcess start(String name, Path workDir, List<String> command) throws IOException {
        return start(name, workDir, command, java.util.Map.of());
    }

    /** As {@link #start(String, Path, List)}, with {@code environment} added to the process's. */
    public static TetheredProcess start(String name, Path workDir, List<String> command,
                                        java.util.Map<String, String> environment) throws IOException {
        Path log = workDir.resolve(name + ".log");
        List<String> full = new ArrayList<>(List.of("bash", "-c", GUARD, "guard",
                Long.toString(ProcessHandle.current().pid())));
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full);
        builder.environment().putAll(environment);
        Process process = builder
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new TetheredProcess(name, process, log, resolve(command.get(0)));
    }

    /**
     * The process the guard runs (the child that must not outlive the JVM) — never the guard's own {@code sleep},
     * which is a child too, now and then.
     */
    public java.util.Optional<ProcessHandle> child() {
        return process.children().filter(c -> c.info().command().map(cmd -> cmd.equals(executable)).orElse(false))
                .findFirst();
    }

    /** The absolute path the OS reports for the started command. */
    private static String resolve(String command) {
        Path path = Path.of(command);
        if (!path.isAbsolute()) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
                if (Files.isExecutable(Path.of(dir, command))) {
                    path = Path.of(dir, command);
                    break;
                }
            }
        }
        try {
            return path.toRealPath().toString();
        } catch (IOException e) {
            return path.toString();
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The last lines of the process's log, for a failure message. */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    public String name() {
        return name;
    }

    @Override
    public void close() {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        descendants.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            for (ProcessHandle handle : descendants) {
                handle.onExit().get(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            descendants.forEach(ProcessHandle::destroyForcibly);
        }
    }
}
