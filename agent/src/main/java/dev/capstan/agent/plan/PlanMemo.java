package dev.capstan.agent.plan;

import dev.capstan.agent.repo.RepoTree;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What the last plan learned, keyed by git's content ids, so that the next commit is planned by what it changed: a
 * commit that leaves {@code capstan.yaml}, {@code charts/} and {@code apps/} alone gets the previous plan back, and
 * a chart directory whose tree id did not change is not read again to learn its kind. Without it, planning 5,000
 * apps read 5,000 directories per commit (a quarter of a second) to change one app.
 * <p>
 * Only trees that can name their content ({@link RepoTree#contentId}, git's) are remembered; a directory on disk is
 * always read. Holds the entries of the latest plan only, so it never grows past one plan's units. Thread-safe; one
 * per loop.
 */
public final class PlanMemo {
    /** A memo that remembers nothing: every plan reads the whole tree. */
    public static PlanMemo none() {
        return new PlanMemo(false);
    }

    public static PlanMemo remembering() {
        return new PlanMemo(true);
    }

    private final boolean remembers;
    private volatile Remembered last = new Remembered("", null);
    private volatile Map<String, Boolean> kinds = Map.of();
    private final Map<String, Boolean> kindsNow = new ConcurrentHashMap<>();

    private PlanMemo(boolean remembers) {
        this.remembers = remembers;
    }

    private record Remembered(String inputs, Plan plan) {
    }

    /** Everything a plan reads lies under these paths. */
    private static final List<String> INPUTS = List.of(dev.capstan.agent.config.RepoConfig.FILE, Planner.CHARTS_DIR,
            Planner.APPS_DIR);

    /** The previous plan when none of its inputs changed; otherwise {@code plan}'s, remembered for next time. */
    synchronized Plan plan(RepoTree tree, Supplier<Plan> plan) {
        Optional<String> inputs = remembers ? inputsOf(tree) : Optional.empty();
        Remembered known = last;
        if (inputs.isPresent() && inputs.get().equals(known.inputs()) && known.plan() != null) {
            return known.plan();
        }
        kindsNow.clear();
        Plan planned = plan.get();
        if (inputs.isPresent()) {
            kinds = Map.copyOf(kindsNow);
            last = new Remembered(inputs.get(), planned);
        }
        kindsNow.clear();
        return planned;
    }

    /**
     * Whether the directory at {@code path} is of the kind {@code test} looks for: remembered by the directory's
     * content id (and {@code context}, e.g. the environments a kustomization is looked for in).
     */
    boolean kindOf(RepoTree tree, String path, String context, Supplier<Boolean> test) {
        if (!remembers) {
            return test.get();
        }
        Optional<String> id = tree.contentId(path);
        if (id.isEmpty()) {
            return test.get();
        }
        String key = path + "@" + id.get() + "@" + context;
        Boolean known = kinds.get(key);
        boolean kind = known != null ? known : test.get();
        kindsNow.put(key, kind);
        return kind;
    }

    private static Optional<String> inputsOf(RepoTree tree) {
        StringBuilder key = new StringBuilder();
        for (String path : INPUTS) {
            Optional<String> id = tree.contentId(path);
            if (id.isEmpty()) {
                return Optional.empty();
            }
            key.append(id.get()).append(' ');
        }
        return Optional.of(key.toString());
    }
}
