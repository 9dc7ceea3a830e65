package dev.capstan.agent.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WrittenChartsTest {
    @TempDir
    Path root;

    private final AtomicInteger jobs = new AtomicInteger();
    private final List<Path> deleted = new ArrayList<>();

    private WrittenCharts charts() {
        return new WrittenCharts(() -> root.resolve("job" + jobs.incrementAndGet()), deleted::add);
    }

    private static void writeChart(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("Chart.yaml"), "name: x\n");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theSameContentIsWrittenOnceAndShared() {
        WrittenCharts charts = charts();
        AtomicInteger writes = new AtomicInteger();
        Path first;
        try (WrittenCharts.Written a = charts.acquire("digest-1", "web", dir -> {
            writes.incrementAndGet();
            writeChart(dir);
        })) {
            first = a.dir();
        }
        try (WrittenCharts.Written b = charts.acquire("digest-1", "web", dir -> writes.incrementAndGet())) {
            assertThat(b.dir()).isEqualTo(first).isDirectory();
        }
        assertThat(writes).hasValue(1);
    }

    @Test
    void theLeastRecentlyUsedUnusedChartIsDeletedPastCapacityNeverOneInUse() {
        WrittenCharts charts = charts();
        WrittenCharts.Written held = charts.acquire("held", "web", WrittenChartsTest::writeChart);
        for (int i = 0; i < WrittenCharts.CAPACITY + 5; i++) {
            charts.acquire("chart-" + i, "web", WrittenChartsTest::writeChart).close();
        }
        assertThat(charts.size()).isEqualTo(WrittenCharts.CAPACITY);
        assertThat(deleted).hasSize(6).doesNotContain(held.dir().getParent())
                .contains(root.resolve("job2"), root.resolve("job7"));
        held.close();
    }

    @Test
    void aChartThatCannotBeWrittenLeavesNothingBehind() {
        WrittenCharts charts = charts();
        assertThatThrownBy(() -> charts.acquire("bad", "web", dir -> {
            throw new IllegalStateException("not a plain relative path");
        })).hasMessageContaining("not a plain relative path");
        assertThat(deleted).containsExactly(root.resolve("job1"));
        assertThat(charts.size()).isZero();
    }
}
