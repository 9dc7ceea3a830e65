package dev.capstan.agent.model;

/**
 * A chart that cannot be loaded or rendered. The message always names the chart and, where known, the file and line,
 * in the form {@code chart file:line: problem}, so an operator can go straight to the cause.
 */
public class ChartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String chart;
    private final String file;
    private final int line;
    private final String problem;

    public ChartException(String chart, String file, int line, String problem) {
        super(format(chart, file, line, Messages.bounded(problem)));
        this.chart = chart;
        this.file = file;
        this.line = line;
        this.problem = Messages.bounded(problem);
    }

    public String chart() {
        return chart;
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public String problem() {
        return problem;
    }

    private static String format(String chart, String file, int line, String problem) {
        StringBuilder where = new StringBuilder(chart);
        if (file != null && !file.isEmpty()) {
            where.append(' ').append(file);
            if (line > 0) {
                where.append(':').append(line);
            }
        }
        return where.append(": ").append(problem).toString();
    }
}
