package dev.capstan.agent.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.net.http.HttpResponse;
import java.util.Optional;

/** Sends one unit action to the agent and prints its answer; shared by {@code rollback} and {@code resume}. */
final class UnitActionCommand {
    private UnitActionCommand() {
    }

    static int send(PrintWriter out, PrintWriter err, AgentApiOptions api, String command, String path,
                    String body) {
        Optional<HttpResponse<String>> answered = api.answer(command, err, () -> api.post(path, body));
        if (answered.isEmpty()) {
            return CapstanCli.USAGE;
        }
        HttpResponse<String> response = answered.get();
        String text = answer(response.body());
        if (response.statusCode() / 100 == 2) {
            out.println(text);
            out.flush();
            return CapstanCli.OK;
        }
        err.println("capstan " + command + ": " + text + " (HTTP " + response.statusCode() + ")");
        return response.statusCode() == 404 || response.statusCode() == 409 ? CapstanCli.UNIT_FAILED
                : CapstanCli.USAGE;
    }

    private static String answer(String body) {
        try {
            JsonObject json = new JsonObject(body);
            return json.getString("status", json.getString("error", body));
        } catch (DecodeException | ClassCastException e) {
            return body.strip();
        }
    }
}
