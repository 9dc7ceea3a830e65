package dev.capstan.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.observe.CommitStatus;
import dev.capstan.agent.release.Release;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnvironmentStatusTest {
    private static final Instant AT = Instant.parse("2026-12-03T12:00:00Z");
    private static final String C = "c2";

    @Test
    void successOnlyOnceEveryUnitOfTheEnvironmentRunsTheCommit() {
        UnitOutcome web = new UnitOutcome.Synced("web/staging", C, AT, "git", 3, "d", 2);
        UnitOutcome api = new UnitOutcome.Synced("api/staging", "c1", AT, "git", 3, "d", 1);

        assertThat(EnvironmentStatus.of("staging", C, List.of(web, api), "")).satisfies(s -> {
            assertThat(s.state()).isEqualTo(CommitStatus.State.WAITING);
            assertThat(s.description()).isEqualTo("1 of 2 charts deployed");
            assertThat(s.context()).isEqualTo("capstan/staging");
        });
        UnitOutcome apiNow = new UnitOutcome.Synced("api/staging", C, AT, "git", 3, "d", 2);
        assertThat(EnvironmentStatus.of("staging", C, List.of(web, apiNow), "https://c.example/"))
                .isEqualTo(new CommitStatus(C, "capstan/staging", CommitStatus.State.SUCCESS,
                        "deployed to staging (2 charts)", "https://c.example/"));
    }

    @Test
    void aFailureOutranksAUnitStillRollingOut() {
        UnitOutcome rolling = new UnitOutcome.Progressing("web/staging", C, AT, "git", "canary 25%");
        UnitOutcome refused = new UnitOutcome.Failed("api/staging", C, AT, "git", UnitOutcome.Stage.APPLY,
                "Deployment api is invalid");

        assertThat(EnvironmentStatus.of("staging", C, List.of(rolling), "").description())
                .isEqualTo("web rolling out: canary 25%");
        assertThat(EnvironmentStatus.of("staging", C, List.of(rolling, refused), "")).satisfies(s -> {
            assertThat(s.state()).isEqualTo(CommitStatus.State.FAILURE);
            assertThat(s.description()).isEqualTo("api failed (apply): Deployment api is invalid");
        });
    }

    @Test
    void aRollbackSaysItsRootCauseWithinTheHostsLimit() {
        UnitOutcome held = new UnitOutcome.Held("orders/staging", C, AT, "git", Release.Hold.QUARANTINED, 3,
                "health gate of step canary 25% failed; canary removed: Deployment staging/orders-canary: pod "
                        + "orders-canary-7ddf95ff44-z5p7r: container worker CrashLoopBackOff: simulated "
                        + "CrashLoopBackOff (1 restarts)");

        CommitStatus status = EnvironmentStatus.of("staging", C, List.of(held), "");

        assertThat(status.state()).isEqualTo(CommitStatus.State.FAILURE);
        assertThat(status.description()).isEqualTo("orders rolled back: canary 25% failed: Deployment orders-canary: "
                + "container worker CrashLoopBackOff: simulated CrashLoopBackOff (1 restarts)");
    }

    @Test
    void aBlueGreenRollbackSaysWhereTheTrafficWent() {
        UnitOutcome afterSwitch = new UnitOutcome.Held("orders/staging", C, AT, "git", Release.Hold.QUARANTINED, 3,
                "health gate of step hold failed; traffic back on revision 2, the new version removed: check "
                        + "errors: error_ratio = 0.5, above max 0.05");
        UnitOutcome beforeSwitch = new UnitOutcome.Held("orders/staging", C, AT, "git", Release.Hold.QUARANTINED, 3,
                "health gate of step preview failed; the new version removed; traffic never left revision 2: "
                        + "Deployment staging/orders-green: container worker CrashLoopBackOff");

        assertThat(EnvironmentStatus.of("staging", C, List.of(afterSwitch), "").description())
                .isEqualTo("orders rolled back: hold failed, back on 2: check errors: error_ratio = 0.5, above max "
                        + "0.05");
        assertThat(EnvironmentStatus.of("staging", C, List.of(beforeSwitch), "").description())
                .isEqualTo("orders rolled back: preview failed: Deployment orders-green: container worker "
                        + "CrashLoopBackOff");
    }

    @Test
    void waitingForThePreviousEnvironmentSaysSo() {
        UnitOutcome waiting = new UnitOutcome.Waiting("web/production", C, AT, "git",
                "waiting for web/staging to pass commit c2");

        assertThat(EnvironmentStatus.of("production", C, List.of(waiting), "")).satisfies(s -> {
            assertThat(s.state()).isEqualTo(CommitStatus.State.WAITING);
            assertThat(s.description()).isEqualTo("waiting for web/staging to pass commit c2");
        });
    }
}
