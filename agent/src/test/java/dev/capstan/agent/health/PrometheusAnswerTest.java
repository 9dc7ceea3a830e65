package dev.capstan.agent.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capstan.agent.config.Check;
import java.util.Optional;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrometheusAnswerTest {
    private static final Check.Prometheus ERRORS = new Check.Prometheus("errors", "http://prom:9090",
            "sum(rate(errors[1m]))", Optional.empty(), Optional.of(0.05));

    private static CheckResult judge(String json) throws Exception {
        return PrometheusAnswer.judge(ERRORS, new ObjectMapper().readTree(json));
    }

    @Test
    void aSampleInRangePassesAndOneOutOfRangeFailsAtOnce() throws Exception {
        assertThat(judge("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
                + "[{\"metric\":{},\"value\":[1,\"0.01\"]}]}}")).isInstanceOf(CheckResult.Passed.class);
        assertThat(judge("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
                + "[{\"metric\":{},\"value\":[1,\"0.2\"]}]}}")).isEqualTo(new CheckResult.Failed("errors",
                "sum(rate(errors[1m])) = 0.2, above max 0.05"));
        assertThat(judge("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1,\"0\"]}}"))
                .isInstanceOf(CheckResult.Passed.class);
    }

    @Test
    void noSampleOrAFailedQueryIsNotYetAFailure() throws Exception {
        assertThat(judge("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}"))
                .isInstanceOf(CheckResult.NotYet.class);
        assertThat(judge("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
                + "[{\"value\":[1,\"NaN\"]}]}}")).isInstanceOf(CheckResult.NotYet.class);
        assertThat(judge("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error\"}"))
                .isEqualTo(new CheckResult.NotYet("errors", "query failed (bad_data)"));
    }

    @Test
    void nothingTheRemoteWroteIsRepeatedButANumberAndPrometheusErrorTypes() throws Exception {
        String secret = "AKIAFAKEKEY1234567890";
        List<String> answers = List.of(
                "{\"status\":\"error\",\"errorType\":\"" + secret + "\",\"error\":\"" + secret + "\"}",
                "{\"status\":\"" + secret + "\"}",
                "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
                        + "[{\"value\":[1,\"" + secret + "\"]}]}}");
        for (String answer : answers) {
            assertThat(judge(answer).detail()).as(answer).doesNotContain(secret).doesNotContain("AKIA");
        }
    }

    @Test
    void shownUrlsDropTheQueryWhereTokensHide() {
        assertThat(CheckRunner.shown("http://svc/healthz?token=s3cret#x")).isEqualTo("http://svc/healthz");
    }
}
