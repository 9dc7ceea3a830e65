package dev.capstan.agent.observe;

import dev.capstan.agent.config.CommitStatusConfig;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Each git host's documented commit status request: GitHub {@code POST /repos/{owner}/{repo}/statuses/{sha}}
 * (bearer token), GitLab {@code POST /projects/{url-encoded path}/statuses/{sha}} ({@code PRIVATE-TOKEN}), Gitea
 * {@code POST /repos/{owner}/{repo}/statuses/{sha}} ({@code Authorization: token}). Pure: no I/O.
 */
final class CommitStatusRequests {
    private CommitStatusRequests() {
    }

    static HttpRequest request(CommitStatusConfig config, CommitStatus status, String token) {
        String base = config.apiUrl().toString().replaceAll("/+$", "");
        String sha = status.commit().matches("[0-9a-f]{40}|[0-9a-f]{64}") ? status.commit() : bad(status.commit());
        HttpRequest.Builder request = HttpRequest.newBuilder().timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("User-Agent", "capstan");
        JsonObject body = new JsonObject().put("description", status.description());
        if (status.targetUrl() != null && !status.targetUrl().isEmpty()) {
            body.put("target_url", status.targetUrl());
        }
        switch (config.provider()) {
            case GITHUB -> {
                request.uri(URI.create(base + "/repos/" + config.repository() + "/statuses/" + sha))
                        .header("Accept", "application/vnd.github+json")
                        .header("X-GitHub-Api-Version", "2022-11-28")
                        .header("Authorization", "Bearer " + token);
                body.put("state", githubState(status.state())).put("context", status.context());
            }
            case GITEA -> {
                request.uri(URI.create(base + "/repos/" + config.repository() + "/statuses/" + sha))
                        .header("Accept", "application/json")
                        .header("Authorization", "token " + token);
                body.put("state", githubState(status.state())).put("context", status.context());
            }
            case GITLAB -> {
                request.uri(URI.create(base + "/projects/" + URLEncoder.encode(config.repository(),
                                StandardCharsets.UTF_8) + "/statuses/" + sha))
                        .header("Accept", "application/json")
                        .header("PRIVATE-TOKEN", token);
                body.put("state", gitlabState(status.state())).put("name", status.context());
            }
            default -> throw new IllegalStateException("unknown provider " + config.provider());
        }
        return request.POST(HttpRequest.BodyPublishers.ofString(body.encode())).build();
    }

    /** GitLab refuses a status equal to the current one ("Cannot transition status via..."): already there. */
    static boolean alreadyThere(CommitStatusConfig config, int status, String body) {
        return config.provider() == CommitStatusConfig.Provider.GITLAB && status == 400 && body != null
                && body.contains("Cannot transition status");
    }

    private static String githubState(CommitStatus.State state) {
        return switch (state) {
            case WAITING, RUNNING -> "pending";
            case SUCCESS -> "success";
            case FAILURE -> "failure";
        };
    }

    private static String gitlabState(CommitStatus.State state) {
        return switch (state) {
            case WAITING -> "pending";
            case RUNNING -> "running";
            case SUCCESS -> "success";
            case FAILURE -> "failed";
        };
    }

    private static String bad(String commit) {
        throw new IllegalArgumentException("not a commit id: " + commit);
    }
}
