package dev.capstan.testcluster;

import dev.capstan.agent.Agent;
import dev.capstan.agent.observe.Incident;
import dev.capstan.agent.release.Release;
import dev.capstan.agent.sync.UnitOutcome;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * {@code bin/demo --tour}: the three things Capstan exists for, one after the other. Each step prints the command a
 * user would type, runs it exactly as printed in a fresh shell (no environment but PATH and HOME — so every printed
 * command is known to work when pasted), and narrates what the agent does from its status. A step whose outcome does
 * not come throws: CI runs the tour, so the story is a test.
 */
final class DemoTour {
    private static final Duration STEP_LIMIT = Duration.ofMinutes(3);
    private static final List<String> ORDERS = List.of("orders/staging", "orders/production");

    private final Agent agent;
    private final KubernetesClient client;
    private final PrintStream out;
    private final Path root;
    private final Path workTree;
    private final Path kubeconfig;
    private final String server;
    private long stepStarted = System.nanoTime();

    DemoTour(Agent agent, KubernetesClient client, PrintStream out, Path root, Path workTree, Path kubeconfig) {
        this.agent = agent;
        this.client = client;
        this.out = out;
        this.root = root;
        this.workTree = workTree;
        this.kubeconfig = kubeconfig;
        this.server = "http://127.0.0.1:" + agent.httpPort();
    }

    void run() {
        if (onPath("kubectl")) {
            heading("What Capstan applied from examples/ (two charts, staging and production)");
            shell(lookCommand(kubeconfig));
        }
        String good = pushAChange();
        editByHand();
        String bad = pushACrashingBuild(good);
        pushAFix(bad);
        out.println();
        out.println("Tour done. The web page shows the same: " + server + "/#orders/staging");
    }

    /** Story 1: a change goes canary → full in staging, then production. */
    private String pushAChange() {
        heading("1/3  Push a change: canary, then full, in staging; then production");
        shell(firstPush(workTree));
        String commit = head();
        follow(ORDERS, u -> u instanceof UnitOutcome.Synced s && s.commit().equals(commit));
        shell(capstan("history orders production --kubeconfig " + kubeconfig));
        return commit;
    }

    /** Story 2: a hand edit of a live object is seen at once and corrected from the deployed release. */
    private void editByHand() {
        heading("2/3  Edit a live object by hand: Capstan sees the drift and puts it back");
        int before = corrections("orders/production");
        String command = "kubectl --kubeconfig " + kubeconfig + " -n production scale deployment orders --replicas=5";
        if (onPath("kubectl")) {
            shell(command);
        } else {
            out.println("  $ " + command);
            out.println("  (kubectl is not installed here: the demo makes the same change through the API)");
            client.apps().deployments().inNamespace("production").withName("orders").scale(5);
        }
        Release.Correction correction = await("the hand edit corrected", () -> {
            List<Release.Correction> all = deployed("orders/production").map(Release::corrections)
                    .orElse(List.of());
            return all.size() > before ? all.get(all.size() - 1) : null;
        });
        out.printf("  %s  drift corrected: %s %s%s%n", clock(), correction.object(),
                String.join(", ", correction.fields()), correction.changedBy().isEmpty() ? ""
                        : " (changed by " + correction.changedBy() + ")");
        shell(capstan("history orders production --kubeconfig " + kubeconfig));
    }

    /** Story 3: a crash-looping build fails its canary, is rolled back and quarantined; an incident is written. */
    private String pushACrashingBuild(String good) {
        heading("3/3  Push a crash-looping build: the canary fails, Capstan rolls back and quarantines it");
        shell(push("1.13.0", "crashloop", "orders: a build that crashes"));
        String bad = head();
        follow(List.of("orders/staging"), u -> u instanceof UnitOutcome.Held h && h.commit().equals(bad)
                && h.hold() == Release.Hold.QUARANTINED);
        Incident incident = await("the incident record", () -> agent.status().incidents().stream()
                .filter(i -> i.commit().equals(bad)).findFirst().orElse(null));
        String production = deployed("orders/production").map(Release::commit).orElse("");
        if (!production.equals(good)) {
            throw new IllegalStateException("orders/production runs " + production + ", not the good " + good);
        }
        out.println("  orders/production never saw it: it still runs " + good.substring(0, 12)
                + " (promotion waits for staging to pass a commit)");
        shell(capstan("incidents --server " + server));
        shell(capstan("incidents " + incident.id() + " --server " + server) + " | head -n 24");
        out.println("  The page: " + server + "/#orders/staging");
        return bad;
    }

    /** Epilogue: a newer commit lifts the quarantine. */
    private void pushAFix(String bad) {
        heading("A fix: a newer commit lifts the quarantine and goes out like any other");
        shell(push("crashloop", "1.13.1", "orders 1.13.1: fixed"));
        String fixed = head();
        follow(ORDERS, u -> u instanceof UnitOutcome.Synced s && s.commit().equals(fixed));
    }

    private String push(String fromTag, String toTag, String message) {
        return pushCommand(workTree, fromTag, toTag, message);
    }

    private String capstan(String arguments) {
        return capstanCommand(root, arguments);
    }

    /** The command that changes orders' image tag in git and pushes it (the demo prints the first one). */
    static String pushCommand(Path workTree, String fromTag, String toTag, String message) {
        return "cd " + workTree + " && sed -i 's/tag: \"" + fromTag + "\"/tag: \"" + toTag + "\"/'"
                + " charts/orders/values.yaml && git commit -qam '" + message + "' && git push -q";
    }

    static String firstPush(Path workTree) {
        return pushCommand(workTree, "1.12.0", "1.13.0", "orders 1.13.0");
    }

    /** kubectl's view of everything Capstan manages (the demo prints it when kubectl is installed). */
    static String lookCommand(Path kubeconfig) {
        return "kubectl --kubeconfig " + kubeconfig + " get deploy,svc,hpa,pdb,ingress,pods -A"
                + " -l app.kubernetes.io/managed-by=capstan";
    }

    static String capstanCommand(Path root, String arguments) {
        return root.resolve("bin/capstan") + " " + arguments;
    }

    private void heading(String title) {
        out.println();
        out.println(title);
        stepStarted = System.nanoTime();
    }

    /** Runs {@code command} as pasted into a fresh shell, printing it and its output; fails the tour if it fails. */
    private void shell(String command) {
        out.println("  $ " + command);
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        String home = System.getenv().getOrDefault("HOME", "/root");
        environment.clear();
        environment.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        environment.put("HOME", home);
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("the demo's command did not finish in 5 minutes: " + command);
            }
            output.lines().filter(line -> !line.startsWith("capstan: building")).forEach(l -> out.println("    " + l));
            if (process.exitValue() != 0) {
                throw new IllegalStateException("the demo's command failed (exit " + process.exitValue() + "): "
                        + command);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Prints each unit's state as it changes until every one satisfies {@code done}. */
    private void follow(List<String> units, Predicate<UnitOutcome> done) {
        Map<String, String> shown = new HashMap<>();
        long deadline = System.nanoTime() + STEP_LIMIT.toNanos();
        while (true) {
            boolean all = true;
            for (String unit : units) {
                UnitOutcome outcome = agent.status().unit(unit);
                String said = outcome == null ? "unknown" : describe(outcome);
                if (!said.equals(shown.put(unit, said))) {
                    out.printf("  %s  %-18s %s%n", clock(), unit, said);
                }
                all &= outcome != null && done.test(outcome);
            }
            if (all) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the demo expected " + units + " to get there within " + STEP_LIMIT);
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    private static String describe(UnitOutcome outcome) {
        String commit = outcome.commit().substring(0, Math.min(12, outcome.commit().length()));
        return switch (outcome) {
            case UnitOutcome.Synced s -> "Synced at " + commit + ", revision " + s.revision();
            case UnitOutcome.Progressing p -> "rolling out " + commit + ": " + p.phase();
            case UnitOutcome.Waiting w -> "waiting: " + w.reason();
            case UnitOutcome.Held h -> h.hold().label() + " " + commit + ", running revision " + h.revision() + ": "
                    + h.message();
            case UnitOutcome.Failed f -> "failed (" + f.stage() + "): " + f.message();
            case UnitOutcome.Removed r -> "removed: " + r.message();
        };
    }

    private <T> T await(String what, java.util.function.Supplier<T> value) {
        long deadline = System.nanoTime() + STEP_LIMIT.toNanos();
        while (true) {
            T found = value.get();
            if (found != null) {
                return found;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the demo expected " + what + " within " + STEP_LIMIT);
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    private Optional<Release> deployed(String unit) {
        return agent.status().releases().getOrDefault(unit, List.of()).stream()
                .filter(r -> r.status() == Release.Status.DEPLOYED).reduce((a, b) -> b);
    }

    private int corrections(String unit) {
        return deployed(unit).map(r -> r.corrections().size()).orElse(0);
    }

    private String head() {
        return LocalGitRepo.git(workTree, "rev-parse", "HEAD").strip();
    }

    /** Seconds since the step began (its push or edit). */
    private String clock() {
        return String.format("%+6.1f s", (System.nanoTime() - stepStarted) / 1e9);
    }

    static boolean onPath(String tool) {
        return List.of("/usr/local/bin", "/usr/bin", "/bin").stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }
}
