package dev.capstan.agent.observe;

import java.util.List;

/** An incident as a Markdown post-mortem draft. Pure. */
public final class IncidentMarkdown {
    private IncidentMarkdown() {
    }

    public static String render(Incident incident) {
        StringBuilder md = new StringBuilder();
        md.append("# Incident ").append(incident.id()).append(": ").append(incident.summary()).append("\n\n");
        md.append("- **Unit:** ").append(incident.unit()).append('\n');
        md.append("- **Status:** ").append(incident.status()).append('\n');
        md.append("- **Opened:** ").append(incident.openedAt()).append('\n');
        md.append("- **Impact:** ").append(incident.impact()).append("\n\n");
        md.append("## Timeline\n\n| time (UTC) | event |\n|---|---|\n");
        incident.timeline().forEach(e -> md.append("| ").append(e.at()).append(" | ").append(cell(e.event()))
                .append(" |\n"));
        md.append("\n## Root-cause signal\n\n");
        incident.signals().forEach(s -> md.append("- ").append(s).append('\n'));
        md.append("\n## Offending commit\n\n");
        md.append("- **Commit:** `").append(incident.commit()).append("`\n");
        md.append("- **Author:** ").append(incident.commitInfo().author()).append(" <")
                .append(incident.commitInfo().email()).append(">\n");
        md.append("- **Authored:** ").append(incident.commitInfo().authoredAt()).append('\n');
        md.append("- **Message:** ").append(incident.commitInfo().subject()).append("\n\n");
        md.append("## What changed (revision ").append(incident.failedRevision()).append(" against last good");
        md.append(incident.restoredRevision() > 0 ? " revision " + incident.restoredRevision() : "").append(")\n\n");
        md.append("```diff\n").append(incident.manifestDiff()).append("```\n\n");
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
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
