package dev.capstan.agent.helm;

import java.nio.file.Path;
import java.util.List;

/** Helm's engine, as the agent uses it: templates and lints a chart directory it has written out. */
public interface HelmEngine extends AutoCloseable {

    /** What {@code helm template} needs for one release. */
    record TemplateJob(Path chartDir, String release, String namespace, String kubeVersion, List<Path> valuesFiles) {
        public TemplateJob {
            valuesFiles = List.copyOf(valuesFiles);
        }
    }

    /** The rendered manifests, as {@code helm template} prints them (hooks and {@code crds/} left out). */
    String template(TemplateJob job);

    /** Helm's own lint findings for the chart directory: {@code [ERROR] ...}, {@code [WARNING] ...}, ... */
    List<String> lint(Path chartDir);

    /** A fresh directory, inside one the engine owns and deletes, to write a chart out into. */
    Path newJobDirectory();

    @Override
    void close();
}
