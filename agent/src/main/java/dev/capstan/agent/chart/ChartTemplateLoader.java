package dev.capstan.agent.chart;

import io.pebbletemplates.pebble.error.LoaderException;
import io.pebbletemplates.pebble.loader.Loader;
import java.io.Reader;
import java.io.StringReader;

/**
 * Loads templates from the chart's in-memory files only. Absolute paths and {@code ..} are refused, so an
 * {@code include} or {@code import} cannot reach outside the chart.
 */
final class ChartTemplateLoader implements Loader<String> {
    private final ChartFiles files;

    ChartTemplateLoader(ChartFiles files) {
        this.files = files;
    }

    @Override
    public Reader getReader(String path) {
        String text = files.text(path).orElseThrow(() ->
                new LoaderException(null, "template not found in chart: " + path));
        return new StringReader(text);
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
