package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A process started by the test harness dies with its JVM, even when the JVM is killed with SIGKILL. */
class TetherIT {

    @Test
    void aTetheredProcessExitsWhenItsJvmIsKilled(@TempDir Path temp) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process jvm = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                TetherMain.class.getName(), temp.toString()).redirectErrorStream(true).start();
        long childPid;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(),
                StandardCharsets.UTF_8))) {
            childPid = Long.parseLong(out.readLine().strip());
        }
        Optional<ProcessHandle> child = ProcessHandle.of(childPid);
        assertThat(child).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());

        jvm.toHandle().destroyForcibly();

        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(childPid).map(p -> !p.isAlive())
                .orElse(true));
    }
}
