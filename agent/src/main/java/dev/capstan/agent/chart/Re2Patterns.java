package dev.capstan.agent.chart;

import com.google.re2j.Pattern;
import com.networknt.schema.regex.RegularExpression;
import com.networknt.schema.regex.RegularExpressionFactory;

/**
 * The regular expressions of a chart's {@code values.schema.json} ({@code pattern}, {@code patternProperties},
 * {@code format: regex}) in RE2/J: they come from git, and a backtracking engine can spend hours on one value
 * ({@code (a+)+$}). RE2 matches in time linear in the value; it has no backreferences or lookaround.
 */
final class Re2Patterns implements RegularExpressionFactory {
    static final Re2Patterns INSTANCE = new Re2Patterns();

    private Re2Patterns() {
    }

    @Override
    public RegularExpression getRegularExpression(String regex) {
        Pattern pattern = Pattern.compile(regex);
        return value -> pattern.matcher(value).find();
    }
}
