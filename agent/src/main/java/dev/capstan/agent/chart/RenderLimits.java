package dev.capstan.agent.chart;

import java.time.Duration;

/**
 * Guard rails per unit, so a runaway template (huge loop, deep recursion) fails its own unit with a clear error
 * instead of exhausting the agent.
 *
 * @param maxOutputBytes the most characters a unit's templates may produce together
 * @param timeBudget     the most time one unit's render may take
 */
public record RenderLimits(int maxOutputBytes, Duration timeBudget) {
    public static RenderLimits defaults() {
        return new RenderLimits(4 * 1024 * 1024, Duration.ofSeconds(2));
    }
}
