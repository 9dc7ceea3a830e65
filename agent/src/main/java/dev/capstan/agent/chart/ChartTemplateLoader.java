package dev.capstan.agent.chart;

import io.pebbletemplates.pebble.error.LoaderException;
import io.pebbletemplates.pebble.loader.Loader;
import java.io.Reader;
import java.io.StringReader;

/**
 * Loads templates from the chart's in-memory files only. Absolute paths and {@code ..} are refused, so an
 * {@code include} or {@code import} cannot reach outside the chart. Every manifest template sees the macros of every
 * {@code templates/_*.peb}: their imports are prepended on the template's first line, so line numbers stay true.
 */
final class ChartTemplateLoader implements Loader<String> {
    private final ChartFiles files;
    private final String partialImports;

    ChartTemplateLoader(ChartFiles files) {
        this.files = files;
        StringBuilder imports = new StringBuilder();
        files.partials().forEach(partial -> imports.append("{% import \"").append(partial).append("\" %}"));
        this.partialImports = imports.toString();
    }

    @Override
    public Reader getReader(String path) {
        String text = files.text(path).orElseThrow(() ->
                new LoaderException(null, "template not found in chart: " + path));
        boolean partial = files.partials().contains(path);
        return new StringReader(partial ? text : partialImports + text);
    }

    @Override
    public void setCharset(String charset) {
    }

    @Override
    public void setPrefix(String prefix) {
    }

    @Override
    public void setSuffix(String suffix) {
    }

    @Override
    public String resolveRelativePath(String relativePath, String anchorPath) {
        return createCacheKey(relativePath);
    }

    @Override
    public String createCacheKey(String templateName) {
        String name = templateName.startsWith("./") ? templateName.substring(2) : templateName;
        if (name.startsWith("/") || name.contains("\\") || name.equals("..") || name.startsWith("../")
                || name.contains("/../") || name.endsWith("/..")) {
            throw new LoaderException(null, "template path leaves the chart: " + templateName);
        }
        // Includes are written relative to the chart root, or to templates/ as a convenience.
        if (!files.files().containsKey(name) && files.files().containsKey("templates/" + name)) {
            return "templates/" + name;
        }
        return name;
    }

    @Override
    public boolean resourceExists(String templateName) {
        return files.files().containsKey(createCacheKey(templateName));
    }
}
