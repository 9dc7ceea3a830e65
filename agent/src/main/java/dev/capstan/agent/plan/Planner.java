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

    private Planner() {
    }

    public static Plan plan(RepoTree tree) {
        byte[] raw = tree.read(RepoConfig.FILE).orElseThrow(() ->
                new ConfigException(RepoConfig.FILE + ": not found at " + tree.describe()));
        RepoConfig config = RepoConfigParser.parse(new String(raw, StandardCharsets.UTF_8));
        // A chart named in capstan.yaml but missing still becomes a unit: it fails alone, with a clear message.
        List<String> charts = config.charts().orElseGet(() -> tree.directories(CHARTS_DIR));
        List<Unit> units = new ArrayList<>();
        for (Environment env : config.environments()) {
            charts.stream().sorted().forEach(chart -> units.add(new Unit(chart, env)));
        }
        return new Plan(config, units);
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
