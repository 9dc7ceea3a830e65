package dev.capstan.agent.observe;

import java.util.List;

/**
 * An incident as a Markdown post-mortem draft. Everything that came from git or the cluster (commit subject, author,
 * failure signals, timeline events) is written as a code span, where Markdown makes no HTML, link or emphasis. Pure.
 */
public final class IncidentMarkdown {
    private IncidentMarkdown() {
    }

    public static String render(Incident incident) {
        StringBuilder md = new StringBuilder();
        md.append("# Incident ").append(incident.id()).append(": ").append(code(incident.summary())).append("\n\n");
        md.append("- **Unit:** ").append(code(incident.unit())).append('\n');
        md.append("- **Status:** ").append(incident.status()).append('\n');
        md.append("- **Opened:** ").append(incident.openedAt()).append('\n');
        md.append("- **Impact:** ").append(code(incident.impact())).append("\n\n");
        md.append("## Timeline\n\n| time (UTC) | event |\n|---|---|\n");
        incident.timeline().forEach(e -> md.append("| ").append(e.at()).append(" | ").append(cell(code(e.event())))
                .append(" |\n"));
        md.append("\n## Root-cause signal\n\n");
        incident.signals().forEach(s -> md.append("- ").append(code(s)).append('\n'));
        md.append("\n## Offending commit\n\n");
        md.append("- **Commit:** `").append(incident.commit()).append("`\n");
        md.append("- **Author:** ").append(code(incident.commitInfo().author() + " <"
                + incident.commitInfo().email() + ">")).append('\n');
        md.append("- **Authored:** ").append(incident.commitInfo().authoredAt()).append('\n');
        md.append("- **Message:** ").append(code(incident.commitInfo().subject())).append("\n\n");
        md.append("## What changed (revision ").append(incident.failedRevision()).append(" against last good");
        md.append(incident.restoredRevision() > 0 ? " revision " + incident.restoredRevision() : "").append(")\n\n");
        String fence = "`".repeat(Math.max(3, longestBacktickRun(incident.manifestDiff()) + 1));
        md.append(fence).append("diff\n").append(incident.manifestDiff()).append(fence).append("\n\n");
        section(md, "What went well", incident.wentWell());
        section(md, "What didn't", incident.wentWrong());
        section(md, "Action items", incident.actionItems());
        return md.toString();
    }

    private static void section(StringBuilder md, String title, List<String> items) {
        md.append("## ").append(title).append("\n\n");
        if (items.isEmpty()) {
            md.append("- \n");
        }
        items.forEach(i -> md.append("- ").append(i).append('\n'));
        md.append('\n');
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    /**
     * Untrusted text as an inline code span: one line, fenced by more backticks than it holds in a row, padded so
     * a backtick at either end stays inside.
     */
    static String code(String text) {
        String line = text.replaceAll("[\\r\\n\\t]+", " ");
        String fence = "`".repeat(longestBacktickRun(line) + 1);
        return fence + " " + line + " " + fence;
    }

    private static int longestBacktickRun(String text) {
        int longest = 0;
        int run = 0;
        for (int i = 0; i < text.length(); i++) {
            run = text.charAt(i) == '`' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        return longest;
    }
}
