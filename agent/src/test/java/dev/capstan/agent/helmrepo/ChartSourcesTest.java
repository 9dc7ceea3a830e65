package dev.capstan.agent.helmrepo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.agent.chart.ChartFiles;
import dev.capstan.agent.config.ChartsConfig;
import dev.capstan.agent.model.ChartException;
import dev.capstan.agent.model.ChartFetchFailure;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What Helm is given for a unit's directory; the repositories are unreachable, so only the cache can answer. */
class ChartSourcesTest {
    /** The repository of the fixture's Chart.lock (written by helm); only the cache answers for it here. */
    private static final String REPO = "http://127.0.0.1:18999";
    /** A loopback port nothing listens on: a repository that is down. */
    private static final String DOWN = "http://127.0.0.1:" + closedPort();

    @TempDir
    Path cacheDir;

    private ChartSources sources;

    @BeforeEach
    void cacheHoldsTwoVersions() {
        ChartCache cache = new ChartCache(cacheDir);
        for (String version : new String[] {"1.2.3", "1.3.0"}) {
            byte[] archive = TarGz.chart("sub", version);
            cache.store(new ChartReference(REPO, "sub", version, Optional.empty()),
                    new FetchedArchive(Digests.sha256(archive), archive));
        }
        ChartsConfig config = new ChartsConfig(Optional.empty(), java.util.List.of("http://127.0.0.1:"),
                java.util.List.of(), ChartsConfig.DEFAULT_MAX_ARCHIVE_BYTES);
        sources = new ChartSources(new ChartFetcher(new RepositoryAccess(config), cacheDir, Clock.systemUTC()));
    }

    @Test
    void lockedDependenciesComeFromTheCacheAtTheVersionsTheLockPins() throws IOException {
        ChartSources.HelmSource source = sources.resolve(umbrella(resource("Chart.yaml")), "umbrella/staging");
        // Both entries name chart "sub": the second version gets a directory of its own.
        assertThat(source.chart().files()).containsKeys("charts/sub/Chart.yaml", "charts/sub-1.3.0/Chart.yaml",
                "charts/sub/templates/cm.yaml");
        assertThat(source.chart().text("charts/sub/Chart.yaml").orElseThrow()).contains("version: 1.2.3");
        assertThat(source.releaseValues()).isEmpty();
    }

    @Test
    void aVendoredDependencyWinsAndNothingIsFetched() throws IOException {
        Map<String, byte[]> files = new TreeMap<>(umbrella(resource("Chart.yaml")).files());
        files.put("charts/sub/Chart.yaml", "apiVersion: v2\nname: sub\nversion: 9.9.9\n".getBytes());
        ChartSources.HelmSource source = sources.resolve(ChartFiles.of("umbrella", files), "umbrella/staging");
        assertThat(source.chart().text("charts/sub/Chart.yaml").orElseThrow()).contains("version: 9.9.9");
        assertThat(source.chart().files()).doesNotContainKey("charts/sub-1.3.0/Chart.yaml");
    }

    @Test
    void aStaleOrMissingLockIsTheChartsErrorNamingTheDependency() throws IOException {
        ChartFiles stale = umbrella(resource("Chart.yaml").replace("\"~1.2.0\"", "\"^2.0.0\""));
        assertThatThrownBy(() -> sources.resolve(stale, "umbrella/staging"))
                .isInstanceOf(ChartException.class).isNotInstanceOf(ChartFetchFailure.class)
                .hasMessage("umbrella/staging Chart.lock: the lock file (Chart.lock) is out of sync with the "
                        + "dependencies file (Chart.yaml): dependency sub: Chart.lock pins 1.2.3, which Chart.yaml's "
                        + "version '^2.0.0' does not allow; run 'helm dependency update' and commit Chart.lock");
        ChartFiles conditionChanged = umbrella(resource("Chart.yaml").replace("sub.enabled,global.sub", "x"));
        assertThatThrownBy(() -> sources.resolve(conditionChanged, "umbrella/staging"))
                .hasMessageContaining("its digest is not that of Chart.yaml's dependencies ([sub, sub])");
        Map<String, byte[]> noLock = new TreeMap<>(umbrella(resource("Chart.yaml")).files());
        noLock.remove("Chart.lock");
        assertThatThrownBy(() -> sources.resolve(ChartFiles.of("umbrella", noLock), "umbrella/staging"))
                .hasMessage("umbrella/staging Chart.yaml: dependency sub comes from " + REPO + " and no Chart.lock "
                        + "pins its version: run 'helm dependency update' and commit Chart.lock (or vendor the chart "
                        + "in charts/)");
    }

    @Test
    void aChartByReferenceIsTheFetchedChartWithTheDirectorysValuesAsReleaseValues() {
        ChartFiles dir = ChartFiles.of("shop", Map.of(
                "chart-source.yaml", ("repository: " + REPO + "\nchart: sub\nversion: 1.3.0\n").getBytes(),
                "values.yaml", "greeting: from-git\n".getBytes(),
                "values.staging.yaml", "replicas: 3\n".getBytes()));
        ChartSources.HelmSource source = sources.resolve(dir, "shop/staging");
        assertThat(source.chart().chartName()).isEqualTo("shop");
        assertThat(source.chart().files()).containsOnlyKeys("Chart.yaml", "values.yaml", "templates/cm.yaml");
        assertThat(source.chart().text("values.yaml").orElseThrow()).isEqualTo("greeting: hello\n");
        assertThat(source.releaseValues()).containsOnlyKeys("values.yaml", "values.staging.yaml");
        assertThat(source.reference()).contains(new ChartReference(REPO, "sub", "1.3.0", Optional.empty()));
    }

    @Test
    void aReferenceNamesOneVersionOfAnHttpsOrOciChart() {
        assertThatThrownBy(() -> sources.resolve(reference("repository: " + REPO + "\nchart: sub\nversion: ^1.2\n"),
                "shop/staging")).hasMessage("shop/staging chart-source.yaml: version: '^1.2' is not one exact "
                + "version (a range is resolved only through a Chart.lock): name the version, e.g. 1.2.3");
        assertThatThrownBy(() -> sources.resolve(reference("repository: file:///etc\nchart: sub\nversion: 1.0.0\n"),
                "shop/staging")).hasMessageContaining("repository: expected an https:// Helm repository or an oci://");
        assertThatThrownBy(() -> sources.resolve(reference("repository: " + REPO + "\nchart: sub\nversion: 1.0.0\n"
                + "values: {a: 1}\n"), "shop/staging")).hasMessageContaining("unknown field 'values'");
        assertThatThrownBy(() -> sources.resolve(reference("repository: " + REPO + "\nversion: 1.0.0\n"),
                "shop/staging")).hasMessage("shop/staging chart-source.yaml: chart: required (repository, chart and "
                + "version name the chart)");
        assertThatThrownBy(() -> sources.resolve(reference("repository: https://charts.example.com\nchart: sub\n"
                + "version: 1.0.0\n"), "shop/staging")).isInstanceOf(ChartFetchFailure.class)
                .hasMessageContaining("repository https://charts.example.com is not allowed by the agent config");
    }

    @Test
    void aVersionNotCachedFromAnUnreachableRepositoryFailsAndIsNotAskedAgainBeforeItsBackoff() {
        ChartFiles dir = reference("repository: " + DOWN + "\nchart: sub\nversion: 2.0.0\n");
        assertThatThrownBy(() -> sources.resolve(dir, "shop/staging")).isInstanceOf(ChartFetchFailure.class)
                .hasMessageStartingWith("shop/staging chart-source.yaml: cannot fetch chart sub 2.0.0 from " + DOWN
                        + ": index.yaml: connection refused");
        assertThatThrownBy(() -> sources.resolve(dir, "shop/staging")).isInstanceOf(ChartFetchFailure.class)
                .hasMessageMatching(".*connection refused \\(tried again in \\d+ s\\)");
    }

    private static int closedPort() {
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static ChartFiles reference(String text) {
        return ChartFiles.of("shop", Map.of("chart-source.yaml", text.getBytes(StandardCharsets.UTF_8)));
    }

    private static ChartFiles umbrella(String chartYaml) throws IOException {
        return ChartFiles.of("umbrella", Map.of("Chart.yaml", chartYaml.getBytes(StandardCharsets.UTF_8),
                "Chart.lock", resource("Chart.lock").getBytes(StandardCharsets.UTF_8)));
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ChartSourcesTest.class.getResourceAsStream("/helmrepo/umbrella/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
