package dev.capstan.agent.chart;

import java.time.Duration;

/**
 * Guard rails per unit, so a runaway template (huge loop, deep recursion) fails its own unit with a clear error
 * instead of exhausting the agent.
 *
 * @param maxOutputBytes   the most characters a unit's templates may produce together
 * @param timeBudget       the most time one unit's render may take
 * @param parseCacheChars  how much rendered text the parse cache may hold (0: no cache)
 */
public record RenderLimits(int maxOutputBytes, Duration timeBudget, long parseCacheChars) {
    public static RenderLimits defaults() {
        // The parse cache holds the text and its parsed maps (~10x the text): 512 Ki chars of text, the templates of
        // the charts a commit changed; at a thousand apps a larger one held a second copy of every unit's objects.
        return new RenderLimits(4 * 1024 * 1024, Duration.ofSeconds(2), 512L * 1024);
    }

    public RenderLimits(int maxOutputBytes, Duration timeBudget) {
        this(maxOutputBytes, timeBudget, defaults().parseCacheChars());
    }

    public RenderLimits withoutParseCache() {
        return new RenderLimits(maxOutputBytes, timeBudget, 0);
    }
}
