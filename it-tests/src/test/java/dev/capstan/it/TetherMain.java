package dev.capstan.it;

import dev.capstan.testcluster.TetheredProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;

/** Run by {@link TetherIT} in a JVM of its own: starts a tethered {@code sleep}, prints its pid, then waits. */
public final class TetherMain {
    private TetherMain() {
    }

    public static void main(String[] args) throws Exception {
        TetheredProcess sleeper = TetheredProcess.start("sleeper", Path.of(args[0]), List.of("sleep", "600"));
        ProcessHandle child = Awaitility.await().atMost(Duration.ofSeconds(10)).until(sleeper::child,
                java.util.Optional::isPresent).orElseThrow();
        System.out.println(child.pid());
        System.out.flush();
        new java.util.concurrent.CountDownLatch(1).await();
    }
}
