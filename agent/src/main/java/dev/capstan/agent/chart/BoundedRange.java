package dev.capstan.agent.chart;

import io.pebbletemplates.pebble.error.PebbleException;
import io.pebbletemplates.pebble.extension.Function;
import io.pebbletemplates.pebble.template.EvaluationContext;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Replaces Pebble's {@code range}: the same arguments, but a range may hold at most {@value #MAX_ELEMENTS} numbers
 * (Pebble's own would allocate {@code range(0, 2000000000)} in full), and every call checks the render budget, so
 * nested loops stop when time is up.
 */
final class BoundedRange implements Function {
    static final int MAX_ELEMENTS = 10_000;

    @Override
    public List<String> getArgumentNames() {
        return List.of("start", "end", "increment");
    }

    @Override
    public Object execute(Map<String, Object> args, PebbleTemplate self, EvaluationContext context, int lineNumber) {
        RenderBudget.check();
        long start = number(args.get("start"), self, lineNumber);
        long end = number(args.get("end"), self, lineNumber);
        long increment = args.get("increment") == null ? 1 : number(args.get("increment"), self, lineNumber);
        if (increment == 0) {
            throw new PebbleException(null, "range increment must not be 0", lineNumber, self.getName());
        }
        long size = increment > 0 ? (end - start) / increment + 1 : (start - end) / -increment + 1;
        if (size > MAX_ELEMENTS) {
            throw new PebbleException(null, "range of " + size + " numbers exceeds the limit of " + MAX_ELEMENTS,
                    lineNumber, self.getName());
        }
        List<Long> result = new ArrayList<>((int) Math.max(size, 0));
        for (long i = start; increment > 0 ? i <= end : i >= end; i += increment) {
            result.add(i);
        }
        return result;
    }

    private static long number(Object value, PebbleTemplate self, int line) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        throw new PebbleException(null, "range needs numbers, got " + value, line, self.getName());
    }
}
