package dev.capstan.agent.plan;

import dev.capstan.agent.chart.ChartException;
import dev.capstan.agent.chart.ChartFiles;
import dev.capstan.agent.config.ConfigException;
import dev.capstan.agent.config.Environment;
import dev.capstan.agent.config.RepoConfig;
import dev.capstan.agent.config.RepoConfigParser;
import dev.capstan.agent.repo.RepoTree;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Turns a repository tree into units: {@code capstan.yaml}'s environments x the charts it deploys. Pure. */
public final class Planner {
    public static final String CHARTS_DIR = "charts";
    private static final java.util.regex.Pattern DNS_LABEL = java.util.regex.Pattern.compile(
            "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$");

    private Planner() {
    }

    public static Plan plan(RepoTree tree) {
        byte[] raw = tree.read(RepoConfig.FILE).orElseThrow(() ->
                new ConfigException(RepoConfig.FILE + ": not found at " + tree.describe()));
        RepoConfig config = RepoConfigParser.parse(new String(raw, StandardCharsets.UTF_8));
        // A chart named in capstan.yaml but missing still becomes a unit: it fails alone, with a clear message.
        List<String> charts = config.charts().orElseGet(() -> tree.directories(CHARTS_DIR));
        Map<String, String> refused = new java.util.TreeMap<>();
        List<String> valid = new ArrayList<>();
        for (String chart : charts) {
            if (DNS_LABEL.matcher(chart).matches()) {
                valid.add(chart);
            } else {
                refused.put(printable(chart), CHARTS_DIR + "/" + printable(chart) + ": a chart directory's name "
                        + "must be a DNS label (a-z, 0-9 and '-', at most 63 characters, starting and ending with a "
                        + "letter or digit): it names the release and its objects' labels; rename the directory");
            }
        }
        List<Unit> units = new ArrayList<>();
        for (Environment env : config.environments()) {
            valid.stream().sorted().forEach(chart -> units.add(new Unit(chart, env)));
        }
        return new Plan(config, units, refused);
    }

    /** A name from git as it can be shown: anything outside printable ASCII as a \\uXXXX escape. */
    static String printable(String name) {
        StringBuilder out = new StringBuilder();
        name.chars().forEach(c -> out.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c)
                : String.format("\\u%04x", c)));
        return out.length() > 100 ? out.substring(0, 100) + "..." : out.toString();
    }

    /** The files of one chart, ready for the renderer. */
    public static ChartFiles chartFiles(RepoTree tree, String chart) {
        Map<String, byte[]> files = tree.files(CHARTS_DIR + "/" + chart);
        if (files.isEmpty()) {
            throw new ChartException(chart, CHARTS_DIR + "/" + chart, 0, "chart directory not found or empty");
        }
        return ChartFiles.of(chart, files);
    }
}
