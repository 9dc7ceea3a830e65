package dev.capstan.agent.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/** Reads the agent's config file. An invalid file stops startup with one message naming the field. */
public final class AgentConfigLoader {
    private static final Set<String> SCHEMES = Set.of("file", "http", "https", "ssh");

    private AgentConfigLoader() {
    }

    public static AgentConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read: " + e.getMessage());
        }
        return parse(text, file.toString(), file.toAbsolutePath().getParent());
    }

    /** Parses config text; relative paths in it resolve against {@code baseDir}. */
    public static AgentConfig parse(String text, String source, Path baseDir) {
        return parse(text, source, baseDir, System::getenv);
    }

    /**
     * Parses config text; {@code env} supplies overrides of secrets' paths ({@code CAPSTAN_REPO_AUTH_TOKEN_FILE}
     * for {@code repo.auth.tokenFile}...), for deployments that mount secrets where the config file cannot know.
     */
    static AgentConfig parse(String text, String source, Path baseDir, java.util.function.UnaryOperator<String> env) {
        Fields root = Fields.parseWithPathOverrides(source, text, env)
                .allowOnly(Set.of("repo", "cacheDir", "cluster", "http", "webhooks", "releases", "alerts", "tracing",
                        "api", "ha", "clusters", "checks", "commitStatus", "destinations", "kustomize",
                        "charts"));

        Fields repo = root.optionalObject("repo").orElseThrow(() -> root.error("repo", "required"))
                .allowOnly(Set.of("url", "branch", "pollInterval", "auth", "resilience"));
        String url = repo.requiredString("url");
        checkUrl(repo, url);
        String branch = repo.optionalString("branch").orElse("main");
        if (branch.startsWith("refs/") || branch.contains("..") || branch.contains(" ")) {
            throw repo.error("branch", "expected a branch name like 'main', found '" + branch + "'");
        }
        Duration poll = repo.duration("pollInterval", Duration.ofSeconds(30));
        GitAuth auth = repo.optionalObject("auth").map(a -> auth(a, url, baseDir)).orElse(new GitAuth.None());
        AgentConfig.Resilience resilience = repo.optionalObject("resilience").map(AgentConfigLoader::resilience)
                .orElse(AgentConfig.Resilience.defaults());

        Path cacheDir = baseDir.resolve(root.optionalString("cacheDir").orElse(".capstan-cache")).normalize();

        Fields cluster = root.optionalObject("cluster").orElse(null);
        AgentConfig.Cluster clusterConfig = cluster == null
                ? new AgentConfig.Cluster(java.util.Optional.empty(), java.util.Optional.empty())
                : new AgentConfig.Cluster(
                        cluster.allowOnly(Set.of("kubeconfig", "context")).optionalString("kubeconfig")
                                .map(p -> baseDir.resolve(p).normalize()),
                        cluster.optionalString("context"));

        AgentConfig.Http http = root.optionalObject("http")
                .map(h -> new AgentConfig.Http(
                        h.allowOnly(Set.of("host", "port")).optionalString("host").orElse("0.0.0.0"),
                        h.integer("port", 8080, 0, 65535)))
                .orElse(new AgentConfig.Http("0.0.0.0", 8080));

        WebhookConfig webhooks = root.optionalObject("webhooks").map(w -> webhooks(w, baseDir))
                .orElse(WebhookConfig.none());
        AgentConfig.Releases releases = root.optionalObject("releases").map(r -> {
            r.allowOnly(Set.of("namespace", "historyLimit", "unitsMayDeployHere", "install"));
            AgentConfig.Releases d = AgentConfig.Releases.defaults();
            Object shared = r.raw("unitsMayDeployHere");
            if (shared != null && !(shared instanceof Boolean)) {
                throw r.error("unitsMayDeployHere", "expected true or false");
            }
            String namespace = r.dnsLabel("namespace", r.optionalString("namespace").orElse(d.namespace()));
            return new AgentConfig.Releases(namespace, r.integer("historyLimit", d.historyLimit(), 1, 1000),
                    Boolean.TRUE.equals(shared), r.dnsLabel("install", r.optionalString("install").orElse(namespace)));
        }).orElse(AgentConfig.Releases.defaults());
        AlertConfig alerts = root.optionalObject("alerts").map(a -> AlertConfigParser.parse(a, baseDir))
                .orElse(AlertConfig.none());
        AgentConfig.Tracing tracing = root.optionalObject("tracing").map(AgentConfigLoader::tracing)
                .orElse(AgentConfig.Tracing.off());
        ApiConfig api = root.optionalObject("api").map(a -> api(a, baseDir)).orElse(ApiConfig.open());
        AgentConfig.Ha ha = root.optionalObject("ha").map(AgentConfigLoader::ha).orElse(AgentConfig.Ha.off());
        java.util.Map<String, AgentConfig.Cluster> clusters = new java.util.LinkedHashMap<>();
        root.optionalObject("clusters").ifPresent(all -> {
            for (String name : all.keys()) {
                if (name.equals("default")) {
                    throw all.error(name, "'default' is the agent's own cluster (the cluster section)");
                }
                Fields one = all.optionalObject(name).orElseThrow(() -> all.error(name, "expected a mapping"));
                one.allowOnly(Set.of("kubeconfig", "context"));
                clusters.put(all.dnsLabel(name, name), new AgentConfig.Cluster(
                        one.optionalString("kubeconfig").map(p -> baseDir.resolve(p).normalize()),
                        one.optionalString("context")));
            }
        });
        AgentConfig.Checks checks = root.optionalObject("checks").map(AgentConfigLoader::checks)
                .orElse(AgentConfig.Checks.none());
        java.util.Optional<CommitStatusConfig> commitStatus = root.optionalObject("commitStatus")
                .map(c -> commitStatus(c, url, baseDir));
        Destinations destinations = root.optionalObject("destinations").map(AgentConfigLoader::destinations)
                .orElse(Destinations.unrestricted());
        AgentConfig.Kustomize kustomize = root.optionalObject("kustomize").map(AgentConfigLoader::kustomize)
                .orElse(AgentConfig.Kustomize.defaults());
        ChartsConfig charts = root.optionalObject("charts").map(c -> charts(c, baseDir))
                .orElse(ChartsConfig.defaults());
        return new AgentConfig(new AgentConfig.Repo(url, branch, poll, auth, resilience), cacheDir, clusterConfig,
                http, webhooks, releases, alerts, tracing, api, ha, clusters, checks, commitStatus, destinations,
                kustomize, charts);
    }

    private static ChartsConfig charts(Fields fields, Path baseDir) {
        fields.allowOnly(Set.of("cacheDir", "allowedRepositories", "maxArchiveMiB", "repositories"));
        java.util.Optional<Path> cacheDir = fields.optionalString("cacheDir")
                .map(d -> baseDir.resolve(d).normalize());
        java.util.List<String> allowed = fields.optionalStringList("allowedRepositories")
                .orElse(ChartsConfig.DEFAULT_ALLOWED);
        for (String prefix : allowed) {
            if (!prefix.matches("(https?|oci)://.*")) {
                throw fields.error("allowedRepositories", "'" + prefix + "': expected a URL prefix starting with "
                        + "https://, http:// or oci://");
            }
        }
        long maxArchive = fields.integer("maxArchiveMiB", (int) (ChartsConfig.DEFAULT_MAX_ARCHIVE_BYTES >> 20), 1,
                1024) * 1024L * 1024L;
        java.util.List<ChartsConfig.Login> logins = new java.util.ArrayList<>();
        for (Fields login : fields.objectList("repositories")) {
            login.allowOnly(Set.of("host", "username", "passwordFile", "passwordEnv", "tokenFile", "tokenEnv",
                    "caFile"));
            String host = login.requiredString("host");
            if (!host.matches("[A-Za-z0-9.-]+(:[0-9]{1,5})?")) {
                throw login.error("host", "expected a host name, optionally with :port (no scheme or path)");
            }
            boolean password = login.optionalString("passwordFile").isPresent()
                    || login.optionalString("passwordEnv").isPresent();
            boolean token = login.optionalString("tokenFile").isPresent()
                    || login.optionalString("tokenEnv").isPresent();
            java.util.Optional<String> username = login.optionalString("username");
            if (password && token) {
                throw login.error("tokenFile", "give a password (basic auth) or a token (bearer), not both");
            }
            if (password != username.isPresent()) {
                throw login.error("username", "a username and a password go together");
            }
            java.util.Optional<SecretRef> none = java.util.Optional.empty();
            logins.add(new ChartsConfig.Login(host, username,
                    password ? java.util.Optional.of(secretRef(login, "password", baseDir)) : none,
                    token ? java.util.Optional.of(secretRef(login, "token", baseDir)) : none,
                    login.optionalString("caFile").map(f -> baseDir.resolve(f).normalize())));
        }
        return new ChartsConfig(cacheDir, allowed, logins, maxArchive);
    }

    private static AgentConfig.Kustomize kustomize(Fields fields) {
        fields.allowOnly(Set.of("allowRemoteBases"));
        Object allow = fields.raw("allowRemoteBases");
        if (allow != null && !(allow instanceof Boolean)) {
            throw fields.error("allowRemoteBases", "expected true or false");
        }
        return new AgentConfig.Kustomize(Boolean.TRUE.equals(allow));
    }

    private static final java.util.regex.Pattern NAMESPACE_PATTERN =
            java.util.regex.Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?|[a-z0-9][-a-z0-9]{0,61}\\*|\\*");
    private static final java.util.regex.Pattern CLUSTER_RESOURCE =
            java.util.regex.Pattern.compile("([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Z][A-Za-z0-9]*|\\*");

    private static Destinations destinations(Fields fields) {
        fields.allowOnly(Set.of("namespaces", "clusterResources", "replaceUnownedCrds"));
        Fields byEnv = fields.optionalObject("namespaces").orElseThrow(() -> fields.error("namespaces",
                "required: the namespaces each environment's units may write, e.g. {staging: [staging]}"));
        java.util.Map<String, java.util.List<String>> namespaces = new java.util.LinkedHashMap<>();
        for (String env : byEnv.keys()) {
            java.util.List<String> list = byEnv.optionalStringList(env).orElseThrow(() -> byEnv.error(env,
                    "expected a list of namespaces"));
            for (String namespace : list) {
                if (!NAMESPACE_PATTERN.matcher(namespace).matches()) {
                    throw byEnv.error(env, "'" + namespace + "' is not a namespace name (a DNS label, or a prefix "
                            + "ending in *)");
                }
            }
            namespaces.put(env, list);
        }
        java.util.List<String> kinds = fields.optionalStringList("clusterResources")
                .orElse(java.util.List.copyOf(new java.util.TreeSet<>(Destinations.SHIPPED_CLUSTER_RESOURCES)));
        for (String kind : kinds) {
            if (!CLUSTER_RESOURCE.matcher(kind).matches()) {
                throw fields.error("clusterResources", "'" + kind + "' is not group/Kind (Kind alone for the core "
                        + "group, e.g. Namespace or rbac.authorization.k8s.io/ClusterRole)");
            }
        }
        Object replace = fields.raw("replaceUnownedCrds");
        if (replace != null && !(replace instanceof Boolean)) {
            throw fields.error("replaceUnownedCrds", "expected true or false");
        }
        return new Destinations(true, namespaces, java.util.Set.copyOf(kinds), Boolean.TRUE.equals(replace));
    }

    private static CommitStatusConfig commitStatus(Fields fields, String repoUrl, Path baseDir) {
        fields.allowOnly(Set.of("provider", "apiUrl", "repository", "tokenFile", "tokenEnv", "pageUrl"));
        String name = fields.requiredString("provider");
        CommitStatusConfig.Provider provider = java.util.Arrays.stream(CommitStatusConfig.Provider.values())
                .filter(p -> p.label().equals(name)).findFirst()
                .orElseThrow(() -> fields.error("provider", "expected github, gitlab or gitea, found '" + name + "'"));
        URI apiUrl = fields.optionalString("apiUrl").map(u -> httpUrl(fields, "apiUrl", u))
                .or(provider::defaultApiUrl)
                .orElseThrow(() -> fields.error("apiUrl", "required for " + name + " (e.g. https://gitea.example.com"
                        + "/api/v1)"));
        String repository = fields.optionalString("repository").or(() -> CommitStatusConfig.repositoryOf(repoUrl))
                .orElseThrow(() -> fields.error("repository", "required: repo.url has no owner/name path"));
        if (repository.isBlank() || repository.contains("..") || repository.startsWith("/")
                || !repository.matches("[A-Za-z0-9_.~/-]+")) {
            throw fields.error("repository", "expected owner/name (or a GitLab project path or id), found '"
                    + repository + "'");
        }
        java.util.Optional<URI> pageUrl = fields.optionalString("pageUrl").map(u -> httpUrl(fields, "pageUrl", u));
        return new CommitStatusConfig(provider, apiUrl, repository, secretRef(fields, "token", baseDir), pageUrl);
    }

    private static URI httpUrl(Fields fields, String field, String text) {
        try {
            URI uri = new URI(text);
            if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null
                    || uri.getRawUserInfo() != null) {
                throw fields.error(field, "expected an http:// or https:// URL without credentials");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw fields.error(field, "not a valid URL");
        }
    }

    private static AgentConfig.Checks checks(Fields checks) {
        checks.allowOnly(Set.of("allow"));
        java.util.List<String> allow = checks.optionalStringList("allow").orElse(java.util.List.of());
        try {
            AddressPolicy.allowing(allow);
        } catch (IllegalArgumentException e) {
            throw checks.error("allow", e.getMessage());
        }
        return new AgentConfig.Checks(allow);
    }

    private static GitAuth auth(Fields auth, String url, Path baseDir) {
        String type = auth.requiredString("type");
        String scheme = url.substring(0, Math.max(0, url.indexOf(':')));
        return switch (type) {
            case "none" -> {
                auth.allowOnly(Set.of("type"));
                yield new GitAuth.None();
            }
            case "token", "basic" -> {
                if (!scheme.equals("https") && !scheme.equals("http")) {
                    throw auth.error("type", type + " authentication needs an https:// repo.url");
                }
                String secret = type.equals("token") ? "token" : "password";
                auth.allowOnly(Set.of("type", "username", secret + "File", secret + "Env"));
                String username = auth.optionalString("username").orElse(type.equals("token") ? "git" : null);
                if (username == null) {
                    throw auth.error("username", "required for basic authentication");
                }
                SecretRef ref = secretRef(auth, secret, baseDir);
                yield type.equals("token") ? new GitAuth.Token(username, ref) : new GitAuth.Basic(username, ref);
            }
            case "ssh" -> {
                if (!scheme.equals("ssh")) {
                    throw auth.error("type", "ssh authentication needs an ssh:// repo.url");
                }
                auth.allowOnly(Set.of("type", "privateKeyFile", "knownHostsFile"));
                yield new GitAuth.Ssh(baseDir.resolve(auth.requiredString("privateKeyFile")).normalize(),
                        baseDir.resolve(auth.requiredString("knownHostsFile")).normalize());
            }
            default -> throw auth.error("type", "expected none, token, basic or ssh, found '" + type + "'");
        };
    }

    /** {@code <name>File} or {@code <name>Env}: exactly one. */
    static SecretRef secretRef(Fields fields, String name, Path baseDir) {
        var file = fields.optionalString(name + "File");
        var env = fields.optionalString(name + "Env");
        if (file.isPresent() == env.isPresent()) {
            throw fields.error(name + "File", "give exactly one of " + name + "File and " + name + "Env");
        }
        return file.<SecretRef>map(f -> new SecretRef.FromFile(baseDir.resolve(f).normalize()))
                .orElseGet(() -> new SecretRef.FromEnv(env.get()));
    }

    private static AgentConfig.Resilience resilience(Fields fields) {
        fields.allowOnly(Set.of("attempts", "backoff", "failuresToOpen", "openFor", "timeout"));
        AgentConfig.Resilience d = AgentConfig.Resilience.defaults();
        return new AgentConfig.Resilience(
                fields.integer("attempts", d.attempts(), 1, 10),
                fields.duration("backoff", d.backoff()),
                fields.integer("failuresToOpen", d.failuresToOpen(), 1, 100),
                fields.duration("openFor", d.openFor()),
                fields.duration("timeout", d.timeout()));
    }

    private static WebhookConfig webhooks(Fields fields, Path baseDir) {
        fields.allowOnly(Set.of("github", "gitlab", "gitea", "generic", "maxRequestsPerSecond"));
        java.util.Map<WebhookConfig.Provider, SecretRef> secrets = new java.util.EnumMap<>(
                WebhookConfig.Provider.class);
        for (WebhookConfig.Provider provider : WebhookConfig.Provider.values()) {
            fields.optionalObject(provider.path()).ifPresent(p -> {
                p.allowOnly(Set.of("secretFile", "secretEnv"));
                secrets.put(provider, secretRef(p, "secret", baseDir));
            });
        }
        return new WebhookConfig(secrets, fields.integer("maxRequestsPerSecond", 20, 1, 10_000));
    }

    private static final int MAX_SHARDS = 64;

    private static AgentConfig.Ha ha(Fields ha) {
        ha.allowOnly(Set.of("enabled", "identity", "leaseName", "leaseDuration", "renewDeadline", "retryPeriod",
                "shards", "shard", "shardBy"));
        AgentConfig.Ha d = AgentConfig.Ha.off();
        Object enabled = ha.raw("enabled");
        if (enabled != null && !(enabled instanceof Boolean)) {
            throw ha.error("enabled", "expected true or false");
        }
        String identity = ha.optionalString("identity").orElseGet(AgentConfigLoader::defaultIdentity);
        Duration lease = ha.duration("leaseDuration", d.leaseDuration());
        Duration renew = ha.duration("renewDeadline", d.renewDeadline());
        Duration retry = ha.duration("retryPeriod", d.retryPeriod());
        if (renew.compareTo(lease) >= 0) {
            throw ha.error("renewDeadline", "must be shorter than leaseDuration (" + lease.toSeconds() + "s)");
        }
        if (retry.compareTo(renew) >= 0) {
            throw ha.error("retryPeriod", "must be shorter than renewDeadline");
        }
        return new AgentConfig.Ha(Boolean.TRUE.equals(enabled), identity,
                ha.dnsLabel("leaseName", ha.optionalString("leaseName").orElse(d.leaseName())), lease, renew, retry,
                sharding(ha, identity, Boolean.TRUE.equals(enabled)));
    }

    /** {@code shards}, {@code shardBy} and {@code shard} (else the identity's StatefulSet ordinal). */
    private static AgentConfig.Sharding sharding(Fields ha, String identity, boolean enabled) {
        int count = ha.integer("shards", 1, 1, MAX_SHARDS);
        if (count > 1 && !enabled) {
            throw ha.error("shards", "sharding needs ha.enabled: true (each shard has its Lease)");
        }
        String key = ha.optionalString("shardBy").orElse("chart");
        AgentConfig.ShardKey by = switch (key) {
            case "chart" -> AgentConfig.ShardKey.CHART;
            case "cluster" -> AgentConfig.ShardKey.CLUSTER;
            default -> throw ha.error("shardBy", "expected chart or cluster");
        };
        if (ha.raw("shard") != null) {
            return new AgentConfig.Sharding(count, ha.integer("shard", 0, 0, count - 1), by);
        }
        java.util.regex.Matcher ordinal = java.util.regex.Pattern.compile("-([0-9]{1,4})$").matcher(identity);
        if (count > 1 && !ordinal.find()) {
            throw ha.error("shard", "not set, and identity '" + identity + "' ends in no StatefulSet ordinal "
                    + "(-0, -1...) to take it from");
        }
        return new AgentConfig.Sharding(count, count == 1 ? 0 : Integer.parseInt(ordinal.group(1)) % count, by);
    }

    /** In a pod: its name (POD_NAME from the downward API, else HOSTNAME); elsewhere the host name and pid. */
    private static String defaultIdentity() {
        String pod = System.getenv("POD_NAME");
        if (pod != null && !pod.isBlank()) {
            return pod;
        }
        String host = System.getenv("HOSTNAME");
        return (host == null || host.isBlank() ? "capstan" : host) + "-" + ProcessHandle.current().pid();
    }

    private static ApiConfig api(Fields api, Path baseDir) {
        api.allowOnly(Set.of("tokensFile", "openEndpoints", "maxRequestsPerSecond", "tls", "hostNames"));
        java.util.List<String> open = api.optionalStringList("openEndpoints")
                .orElse(java.util.List.copyOf(ApiConfig.PROBES));
        for (String endpoint : open) {
            if (!ApiConfig.PROBES.contains(endpoint)) {
                throw api.error("openEndpoints", "expected some of healthz, readyz, metrics, found '" + endpoint
                        + "'");
            }
        }
        java.util.Optional<ApiConfig.Tls> tls = api.optionalObject("tls").map(t -> {
            t.allowOnly(Set.of("certFile", "keyFile"));
            return new ApiConfig.Tls(baseDir.resolve(t.requiredString("certFile")).normalize(),
                    baseDir.resolve(t.requiredString("keyFile")).normalize());
        });
        java.util.List<String> hostNames = api.optionalStringList("hostNames").orElse(java.util.List.of());
        for (String name : hostNames) {
            if (!name.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?")) {
                throw api.error("hostNames", "'" + name + "' is not a host name (lower case, no port)");
            }
        }
        return new ApiConfig(api.optionalString("tokensFile").map(f -> baseDir.resolve(f).normalize()),
                java.util.Set.copyOf(open), api.integer("maxRequestsPerSecond", 50, 1, 100_000), tls,
                java.util.Set.copyOf(hostNames));
    }

    private static AgentConfig.Tracing tracing(Fields tracing) {
        tracing.allowOnly(Set.of("otlpEndpoint"));
        return new AgentConfig.Tracing(tracing.optionalString("otlpEndpoint").map(endpoint -> {
            try {
                URI uri = new URI(endpoint);
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    throw tracing.error("otlpEndpoint", "expected an http:// or https:// URL like "
                            + "http://collector:4318");
                }
                return uri;
            } catch (URISyntaxException e) {
                throw tracing.error("otlpEndpoint", "not a valid URL");
            }
        }));
    }

    private static void checkUrl(Fields repo, String url) {
        try {
            URI uri = new URI(url);
            if (uri.getScheme() == null || !SCHEMES.contains(uri.getScheme())) {
                throw repo.error("url", "expected a file://, https://, http:// or ssh:// URL");
            }
            if (uri.getUserInfo() != null && uri.getUserInfo().contains(":")) {
                // Never echo the URL back: it holds a secret.
                throw repo.error("url", "must not contain a password; reference credentials by file");
            }
        } catch (URISyntaxException e) {
            throw repo.error("url", "not a valid URL");
        }
    }
}
