package dev.capstan.agent.helmrepo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChartArchiveTest {

    @Test
    void aChartArchiveUnpacksUnderItsTopDirectory() {
        var files = ChartArchive.unpack(TarGz.chart("podinfo", "6.5.0"), "podinfo 6.5.0");
        assertThat(files).containsOnlyKeys("Chart.yaml", "values.yaml", "templates/cm.yaml");
        assertThat(new String(files.get("Chart.yaml"), StandardCharsets.UTF_8)).contains("version: 6.5.0");
    }

    @Test
    void zipSlipAbsolutePathsAndLinksRefuseTheWholeArchive() {
        assertThatThrownBy(() -> ChartArchive.unpack(new TarGz().file("evil/Chart.yaml", "name: evil\n")
                .file("evil/../../etc/cron.d/x", "* * * * * root sh").gzip(), "evil 1.0.0"))
                .isInstanceOf(ChartFetchException.class)
                .hasMessage("evil 1.0.0: entry 'evil/../../etc/cron.d/x' leaves the chart's directory; nothing "
                        + "rendered from it");
        assertThatThrownBy(() -> ChartArchive.unpack(new TarGz().file("/etc/passwd", "root").gzip(), "evil 1.0.0"))
                .hasMessageContaining("entry '/etc/passwd' is not a relative path inside the chart");
        assertThatThrownBy(() -> ChartArchive.unpack(new TarGz().file("evil/Chart.yaml", "name: evil\n")
                .entry("evil/templates/secret.yaml", '2', new byte[0], "/var/run/secrets/kubernetes.io/token")
                .gzip(), "evil 1.0.0"))
                .hasMessageContaining("evil/templates/secret.yaml is a link; a chart archive holds only files");
        assertThatThrownBy(() -> ChartArchive.unpack(new TarGz().file("evil/Chart.yaml", "name: evil\n")
                .entry("evil/values.yaml", '1', new byte[0], "/etc/shadow").gzip(), "evil 1.0.0"))
                .hasMessageContaining("is a link");
        assertThatThrownBy(() -> ChartArchive.unpack(new TarGz().file("a/Chart.yaml", "name: a\n")
                .file("b/Chart.yaml", "name: b\n").gzip(), "a 1.0.0"))
                .hasMessageContaining("entries under both a/ and b/");
    }

    @Test
    void aGzipBombStopsAtTheBoundNotAtTheEndOfMemory() {
        byte[] zeros = new byte[(int) ChartArchive.MAX_FILE_BYTES - 1];
        TarGz bomb = new TarGz().file("bomb/Chart.yaml", "name: bomb\n");
        for (int i = 0; i < 9; i++) {
            bomb.entry("bomb/templates/f" + i + ".yaml", '0', zeros, "");
        }
        byte[] archive = bomb.gzip();
        assertThat(archive.length).isLessThan(200 * 1024);
        assertThatThrownBy(() -> ChartArchive.unpack(archive, "bomb 1.0.0"))
                .isInstanceOf(ChartFetchException.class)
                .hasMessageContaining("bomb 1.0.0")
                .hasMessageContaining("larger than 64 MiB");
    }

    @Test
    void notAnArchiveOrNoChartYamlIsRefused() {
        assertThatThrownBy(() -> ChartArchive.unpack("<html>login</html>".getBytes(StandardCharsets.UTF_8),
                "x 1.0.0")).hasMessageContaining("not a gzip'd tar archive");
        assertThatThrownBy(() -> ChartArchive.unpack(new TarGz().file("x/values.yaml", "a: 1\n").gzip(), "x 1.0.0"))
                .hasMessageContaining("no Chart.yaml at the archive's top directory");
    }
}
