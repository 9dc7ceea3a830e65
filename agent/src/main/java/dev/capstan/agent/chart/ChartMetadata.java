package dev.capstan.agent.chart;

/** What {@code Chart.yaml} declares. */
public record ChartMetadata(String name, String version, String appVersion, String description) {
}
