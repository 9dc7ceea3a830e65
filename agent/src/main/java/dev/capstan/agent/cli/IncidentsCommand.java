package dev.capstan.agent.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code capstan incidents [ID]}: the running agent's incident records, one line each, or one incident's post-mortem
 * draft (Markdown). Read from the agent, which holds them; like {@code rollback} it needs only {@code --server}.
 */
@Command(name = "incidents", mixinStandardHelpOptions = true,
        description = "List the incidents (automatic rollbacks) the agent recorded, newest last, or print one"
                + " incident's post-mortem draft (Markdown).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:listed or printed",
            "1:no incident with that id",
            "2:agent unreachable or usage error"})
final class IncidentsCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "An incident id: print its draft.")
    private String id;

    @Mixin
    private AgentApiOptions api = new AgentApiOptions();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String path = id == null ? "/api/incidents"
                : "/api/incidents/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "?format=markdown";
        Optional<HttpResponse<String>> answered = api.answer("incidents", err, () -> api.get(path));
        if (answered.isEmpty()) {
            return CapstanCli.USAGE;
        }
        HttpResponse<String> response = answered.get();
        if (response.statusCode() != 200) {
            err.println("capstan incidents: " + errorOf(response.body()) + " (HTTP " + response.statusCode() + ")");
            return response.statusCode() == 404 ? CapstanCli.UNIT_FAILED : CapstanCli.USAGE;
        }
        if (id != null) {
            out.print(response.body());
        } else {
            printList(out, response.body());
        }
        out.flush();
        return CapstanCli.OK;
    }

    private static void printList(PrintWriter out, String body) {
        JsonArray incidents = new JsonObject(body).getJsonArray("incidents", new JsonArray());
        if (incidents.isEmpty()) {
            out.println("no incidents");
            return;
        }
        out.printf("%-28s %-26s %-9s %-21s %s%n", "ID", "UNIT", "STATUS", "OPENED", "SUMMARY");
        for (int i = 0; i < incidents.size(); i++) {
            JsonObject incident = incidents.getJsonObject(i);
            out.printf("%-28s %-26s %-9s %-21s %s%n", incident.getString("id"), incident.getString("unit"),
                    incident.getString("status"), seconds(incident.getString("openedAt", "")),
                    oneLine(incident.getString("summary", "")));
        }
    }

    private static String seconds(String instant) {
        try {
            return java.time.Instant.parse(instant).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        } catch (java.time.format.DateTimeParseException e) {
            return instant;
        }
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s+", " ").strip();
    }

    private static String errorOf(String body) {
        try {
            return new JsonObject(body).getString("error", body.strip());
        } catch (DecodeException | ClassCastException e) {
            return body.strip();
        }
    }
}
