package dev.capstan.agent.plan;

import dev.capstan.agent.config.Environment;
import dev.capstan.agent.config.RepoConfig;
import dev.capstan.agent.repo.RepoTree;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
    private volatile Remembered last = new Remembered("", null, null, Map.of());
    private volatile Map<String, Boolean> kinds = Map.of();
    private final Map<String, Boolean> kindsNow = new ConcurrentHashMap<>();

    private PlanMemo(boolean remembers) {
        this.remembers = remembers;
    }

    /** The last plan, the inputs and tree it was made for, and its units' kinds by name. */
    private record Remembered(String inputs, Plan plan, RepoTree tree, Map<String, Unit.Kind> kindOfUnit) {
    }

    /** Everything a plan reads lies under these paths. */
    private static final List<String> INPUTS = List.of(RepoConfig.FILE, Planner.CHARTS_DIR, Planner.APPS_DIR);

    /**
     * The previous plan when none of its inputs changed, or when the commit only changed files inside directories
     * that stay what they were (same names, same kinds); otherwise {@code plan}'s, remembered for next time.
     */
    synchronized Plan plan(RepoTree tree, Supplier<Plan> plan) {
        Optional<String> inputs = remembers ? inputsOf(tree) : Optional.empty();
        Remembered known = last;
        if (inputs.isPresent() && known.plan() != null
                && (inputs.get().equals(known.inputs()) || plansTheSame(known, tree))) {
            last = new Remembered(inputs.get(), known.plan(), tree, known.kindOfUnit());
            return known.plan();
        }
        kindsNow.clear();
        Plan planned = plan.get();
        if (inputs.isPresent()) {
            kinds = Map.copyOf(kindsNow);
            Map<String, Unit.Kind> kindOfUnit = new java.util.HashMap<>();
            planned.units().forEach(unit -> kindOfUnit.put(unit.chart(), unit.kind()));
            last = new Remembered(inputs.get(), planned, tree, kindOfUnit);
        }
        kindsNow.clear();
        return planned;
    }

    /**
     * Whether {@code tree} plans to exactly {@code known}'s plan, judged from what changed since its tree alone: a plan
     * reads capstan.yaml, the names of the directories under charts/ and apps/, and what kind each one is. So a commit
     * that leaves capstan.yaml alone, adds or removes no such directory and changes no unit's kind plans the same —
     * without reading the 5,000 directories of 5,000 apps to learn that one changed.
     */
    private static boolean plansTheSame(Remembered known, RepoTree tree) {
        Optional<Set<String>> changed = tree.changedSince(known.tree());
        if (changed.isEmpty()) {
            return false;
        }
        RepoConfig config = known.plan().config();
        boolean appsScanned = config.apps().isPresent() || config.kustomizations().isEmpty();
        Set<String> directories = new java.util.TreeSet<>();
        for (String path : changed.get()) {
            if (path.equals(RepoConfig.FILE)) {
                return false;
            }
            for (String top : INPUTS.subList(1, INPUTS.size())) {
                if (path.startsWith(top + "/")) {
                    int slash = path.indexOf('/', top.length() + 1);
                    if (slash < 0) {
                        // An entry right in charts/ or apps/ (a file, a link, a directory that became one).
                        return false;
                    }
                    directories.add(path.substring(0, slash));
                }
            }
        }
        List<String> envNames = config.environments().stream().map(Environment::name).toList();
        for (String directory : directories) {
            if (isDirectory(known.tree(), directory) != isDirectory(tree, directory)) {
                return false;
            }
            String top = directory.substring(0, directory.indexOf('/'));
            String name = directory.substring(top.length() + 1);
            Unit.Kind before = known.kindOfUnit().get(name);
            if (before == null || !before.dir().equals(top) || (top.equals(Planner.APPS_DIR) && !appsScanned)) {
                // No unit of this plan is made from it (not deployed, refused, or another kind's name).
                continue;
            }
            if (Planner.kindOf(tree, before, name, envNames) != before) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDirectory(RepoTree tree, String path) {
        return !tree.contentId(path).orElse("absent").equals("absent") && tree.read(path).isEmpty();
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
