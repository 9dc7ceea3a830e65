package dev.capstan.agent.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Parses and checks {@code capstan.yaml}. Pure: text in, {@link RepoConfig} or a {@link ConfigException} out. */
public final class RepoConfigParser {
    private static final Duration MAX_SCALE_DOWN_DELAY = Duration.ofHours(24);

    private RepoConfigParser() {
    }

    public static RepoConfig parse(String text) {
        Fields root = Fields.parse(RepoConfig.FILE, text)
                .allowOnly(Set.of("environments", "charts", "apps", "removedUnits", "ignoreDifferences",
                        "kustomizations"));
        List<Fields> envFields = root.objectList("environments");
        if (envFields.isEmpty()) {
            throw root.error("environments", "at least one environment is required");
        }
        List<Environment> environments = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Fields env : envFields) {
            env.allowOnly(Set.of("name", "namespace", "cluster", "rollout", "smoke", "prometheus", "removedUnits",
                    "drift"));
            String name = env.dnsLabel("name", env.requiredString("name"));
            if (!names.add(name)) {
                throw env.error("name", "duplicate environment '" + name + "'");
            }
            String namespace = env.dnsLabel("namespace", env.optionalString("namespace").orElse(name));
            String cluster = env.optionalString("cluster").orElse("default");
            Environment.Rollout rollout = env.optionalObject("rollout").map(RepoConfigParser::rollout)
                    .orElse(Environment.Rollout.rollingDefault());
            environments.add(new Environment(name, namespace, cluster, rollout, ChecksParser.parse(env),
                    removedUnits(env), driftMode(env)));
        }
        Optional<List<String>> charts = root.optionalStringList("charts");
        charts.ifPresent(list -> list.forEach(chart -> root.dnsLabel("charts", chart)));
        Optional<List<String>> apps = root.optionalStringList("apps");
        apps.ifPresent(list -> list.forEach(app -> root.dnsLabel("apps", app)));
        return new RepoConfig(environments, charts, removedUnits(root).orElse(RepoConfig.RemovedUnits.KEEP), apps,
                ignoreDifferences(root), kustomizations(root));
    }

    private static final java.util.regex.Pattern KUSTOMIZATION_PATH = java.util.regex.Pattern.compile(
            "^[A-Za-z0-9._{}-]+(/[A-Za-z0-9._{}-]+)*$");

    private static List<RepoConfig.KustomizationSource> kustomizations(Fields root) {
        List<RepoConfig.KustomizationSource> sources = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Fields source : root.objectList("kustomizations")) {
            source.allowOnly(Set.of("name", "path"));
            String name = source.dnsLabel("name", source.requiredString("name"));
            if (!names.add(name)) {
                throw source.error("name", "duplicate kustomization '" + name + "'");
            }
            String path = source.requiredString("path");
            boolean climbs = java.util.Arrays.stream(path.split("/")).anyMatch(p -> p.equals("..") || p.equals("."));
            if (path.length() > 300 || !KUSTOMIZATION_PATH.matcher(path).matches() || climbs
                    || path.replace("{env}", "").matches(".*[{}].*")) {
                throw source.error("path", "'" + path + "' is not a directory of the repository like apps/{env} "
                        + "(relative, no '..', {env} for the environment's name)");
            }
            sources.add(new RepoConfig.KustomizationSource(name, path));
        }
        return sources;
    }

    private static Environment.DriftMode driftMode(Fields env) {
        return env.optionalString("drift").map(text -> switch (text) {
            case "heal" -> Environment.DriftMode.HEAL;
            case "report" -> Environment.DriftMode.REPORT;
            default -> throw env.error("drift", "expected 'heal' or 'report', found '" + text + "'");
        }).orElse(Environment.DriftMode.HEAL);
    }

    private static List<IgnoreRule> ignoreDifferences(Fields root) {
        List<IgnoreRule> rules = new ArrayList<>();
        for (Fields rule : root.objectList("ignoreDifferences")) {
            rule.allowOnly(Set.of("chart", "env", "kind", "name", "fields"));
            List<String> fields = rule.optionalStringList("fields").orElse(List.of());
            if (fields.isEmpty()) {
                throw rule.error("fields", "list at least one field to ignore, e.g. [spec.replicas]");
            }
            for (String field : fields) {
                if (field.isBlank() || field.length() > 200 || field.startsWith(".") || field.endsWith(".")) {
                    throw rule.error("fields", "'" + field + "' is not a field path like spec.replicas");
                }
            }
            rules.add(new IgnoreRule(rule.optionalString("chart"), rule.optionalString("env"),
                    rule.optionalString("kind"), rule.optionalString("name"), fields));
        }
        return rules;
    }

    private static Optional<RepoConfig.RemovedUnits> removedUnits(Fields fields) {
        return fields.optionalString("removedUnits").map(text -> switch (text) {
            case "keep" -> RepoConfig.RemovedUnits.KEEP;
            case "prune" -> RepoConfig.RemovedUnits.PRUNE;
            default -> throw fields.error("removedUnits", "expected 'keep' or 'prune', found '" + text + "'");
        });
    }

    private static Environment.Rollout rollout(Fields rollout) {
        rollout.allowOnly(Set.of("strategy", "steps", "stepTimeout", "scaleDownDelay", "previewService"));
        String strategyText = rollout.optionalString("strategy").orElse("rolling");
        Environment.Strategy strategy = switch (strategyText) {
            case "rolling" -> Environment.Strategy.ROLLING;
            case "canary" -> Environment.Strategy.CANARY;
            case "blueGreen" -> Environment.Strategy.BLUE_GREEN;
            default -> throw rollout.error("strategy", "expected 'rolling', 'canary' or 'blueGreen', found '"
                    + strategyText + "'");
        };
        List<Integer> steps = new ArrayList<>();
        Object rawSteps = rollout.raw("steps");
        if (rawSteps != null && strategy == Environment.Strategy.BLUE_GREEN) {
            throw rollout.error("steps", "blueGreen has no percentages: the new version runs in full beside the old "
                    + "one, then the Services switch");
        }
        if (rawSteps != null) {
            if (!(rawSteps instanceof List<?> list) || list.isEmpty()) {
                throw rollout.error("steps", "expected a non-empty list of percentages");
            }
            int previous = 0;
            for (Object step : list) {
                if (!(step instanceof Integer percent) || percent <= previous || percent > 100) {
                    throw rollout.error("steps", "expected rising percentages from 1 to 100, found " + list);
                }
                steps.add(percent);
                previous = percent;
            }
            if (previous != 100) {
                throw rollout.error("steps", "the last step must be 100, found " + list);
            }
        } else {
            steps.add(100);
        }
        Duration stepTimeout = rollout.duration("stepTimeout", Duration.ofMinutes(5));
        if (stepTimeout.compareTo(Environment.Rollout.MAX_STEP_TIMEOUT) > 0) {
            throw rollout.error("stepTimeout", "at most " + Environment.Rollout.MAX_STEP_TIMEOUT.toMinutes()
                    + "m (each gate and each hook waits at most this long; a longer wait holds the unit from newer "
                    + "commits)");
        }
        return new Environment.Rollout(strategy, steps, stepTimeout, blueGreen(rollout, strategy));
    }

    private static Environment.BlueGreen blueGreen(Fields rollout, Environment.Strategy strategy) {
        for (String field : List.of("scaleDownDelay", "previewService")) {
            if (rollout.raw(field) != null && strategy != Environment.Strategy.BLUE_GREEN) {
                throw rollout.error(field, "only for strategy blueGreen");
            }
        }
        Duration delay = rollout.duration("scaleDownDelay", Environment.BlueGreen.DEFAULT.scaleDownDelay());
        if (delay.compareTo(MAX_SCALE_DOWN_DELAY) > 0) {
            throw rollout.error("scaleDownDelay", "at most 24h (the old version runs beside the new one meanwhile)");
        }
        Object preview = rollout.raw("previewService");
        if (preview != null && !(preview instanceof Boolean)) {
            throw rollout.error("previewService", "expected true or false, found '" + preview + "'");
        }
        return new Environment.BlueGreen(delay, Boolean.TRUE.equals(preview));
    }
}
