package dev.capstan.agent.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MessagesTest {
    @Test
    void aHugeMessageKeepsItsStartAndEndWithinTheBound() {
        String recursion = "template: web/templates/_helpers.tpl:3:4: executing \"loop\" at <include \"loop\" .>: "
                + "error calling include: ".repeat(5_000) + "exceeded max depth";

        String bounded = Messages.bounded(recursion);
        assertThat(recursion.length()).isGreaterThan(100_000);
        assertThat(bounded.length()).isLessThanOrEqualTo(Messages.MAX + 60);
        assertThat(bounded).startsWith("template: web/templates/_helpers.tpl:3:4").endsWith("exceeded max depth")
                .contains("characters left out");
        assertThat(Messages.bounded("short")).isEqualTo("short");

        ChartException error = new ChartException("web", "templates/_helpers.tpl", 3, recursion);
        assertThat(error.getMessage()).startsWith("web templates/_helpers.tpl:3: template:")
                .hasSizeLessThan(Messages.MAX + 100);
    }
}
