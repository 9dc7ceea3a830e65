package dev.capstan.agent.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AlertBookTest {
    private static final Instant T = Instant.parse("2026-11-22T10:00:00Z");

    private static Alert alert(AlertEvent event, String unit, String commit) {
        return new Alert(event, unit, commit, T, "summary", List.of("signal"), Optional.empty(), false);
    }

    @Test
    void anOpenAlertIsSentOnceHoweverOftenItFires() {
        AlertBook book = new AlertBook();
        assertThat(book.fire(alert(AlertEvent.ROLLBACK, "api/prod", "c1"))).isPresent();
        for (int i = 0; i < 40; i++) {
            assertThat(book.fire(alert(AlertEvent.ROLLBACK, "api/prod", "c1"))).isEmpty();
        }
        assertThat(book.fire(alert(AlertEvent.ROLLBACK, "api/prod", "c2"))).as("another commit, another incident")
                .isPresent();
        assertThat(book.fire(alert(AlertEvent.ROLLBACK, "api/staging", "c1"))).isPresent();
    }

    @Test
    void aRecoveryResolvesTheSubjectsOpenAlertsOnceAndThenTheyMayFireAgain() {
        AlertBook book = new AlertBook();
        book.fire(alert(AlertEvent.ROLLBACK, "api/prod", "c1"));
        book.fire(alert(AlertEvent.DRIFT, "api/prod", "c1"));
        book.fire(alert(AlertEvent.ROLLBACK, "web/prod", "c1"));

        List<Alert> resolved = book.resolve("api/prod", EnumSet.of(AlertEvent.ROLLBACK), T.plusSeconds(60), "ok");

        assertThat(resolved).singleElement().satisfies(a -> {
            assertThat(a.resolved()).isTrue();
            assertThat(a.key()).isEqualTo("api/prod|ROLLBACK|c1");
            assertThat(a.at()).isEqualTo(T.plusSeconds(60));
        });
        assertThat(book.resolve("api/prod", EnumSet.of(AlertEvent.ROLLBACK), T, "ok")).isEmpty();
        assertThat(book.isOpen("api/prod", AlertEvent.DRIFT)).isTrue();
        assertThat(book.isOpen("web/prod", AlertEvent.ROLLBACK)).isTrue();
        assertThat(book.fire(alert(AlertEvent.ROLLBACK, "api/prod", "c1"))).isPresent();
    }

    @Test
    void deploysAreToldOncePerCommitAndNeverHeldOpen() {
        AlertBook book = new AlertBook();
        assertThat(book.fire(alert(AlertEvent.DEPLOYED, "api/prod", "c1"))).isPresent();
        assertThat(book.fire(alert(AlertEvent.DEPLOYED, "api/prod", "c1"))).isEmpty();
        assertThat(book.isOpen("api/prod", AlertEvent.DEPLOYED)).isFalse();
    }

    @Test
    void payloadsCarryTheSeverityAndStatus() {
        Alert firing = new Alert(AlertEvent.ROLLBACK, "api/prod", "0123456789abcdef", T, "rolled back",
                List.of("Deployment api: CrashLoopBackOff"), Optional.of("api-prod-r7"), false);
        assertThat(AlertPayloads.json(firing)).contains("\"status\":\"firing\"", "\"severity\":\"critical\"",
                "\"event\":\"rollback\"", "\"incident\":\"api-prod-r7\"",
                "\"key\":\"api/prod|ROLLBACK|0123456789abcdef\"");
        assertThat(AlertPayloads.slack(firing.resolvedAt(T, "healthy"))).contains("RESOLVED [CRITICAL] api/prod")
                .contains("commit 0123456789ab");
    }
}
