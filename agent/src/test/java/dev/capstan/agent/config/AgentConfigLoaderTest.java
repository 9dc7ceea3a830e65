package dev.capstan.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AgentConfigLoaderTest {
    private static final Path BASE = Path.of("/etc/capstan");

    @Test
    void parsesAFullConfigResolvingRelativePaths() {
        AgentConfig config = AgentConfigLoader.parse("""
                repo:
                  url: https://git.example.com/shop/deploy.git
                  branch: release
                  pollInterval: 15s
                cacheDir: cache
                cluster:
                  kubeconfig: kube/config
                  context: prod
                http:
                  host: 127.0.0.1
                  port: 9090
                """, "agent.yaml", BASE);

        assertThat(config.repo().url()).isEqualTo("https://git.example.com/shop/deploy.git");
        assertThat(config.repo().branch()).isEqualTo("release");
        assertThat(config.repo().pollInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(config.cacheDir()).isEqualTo(Path.of("/etc/capstan/cache"));
        assertThat(config.cluster().kubeconfig()).contains(Path.of("/etc/capstan/kube/config"));
        assertThat(config.cluster().context()).contains("prod");
        assertThat(config.http()).isEqualTo(new AgentConfig.Http("127.0.0.1", 9090));
    }

    @Test
    void theShippedExampleConfigsAreValid() {
        AgentConfig plain = AgentConfigLoader.load(Path.of("..", "config", "agent.example.yaml"));
        AgentConfig ssh = AgentConfigLoader.load(Path.of("..", "config", "agent.github-ssh.example.yaml"));
        AgentConfig token = AgentConfigLoader.load(Path.of("..", "config", "agent.https-token.example.yaml"));

        assertThat(plain.repo().url()).isEqualTo("https://git.example.com/shop/deploy.git");
        assertThat(plain.cluster().context()).contains("production");
        assertThat(ssh.repo().auth()).isInstanceOf(GitAuth.Ssh.class);
        assertThat(ssh.webhooks().secret(WebhookConfig.Provider.GITHUB)).isPresent();
        assertThat(token.repo().auth()).isEqualTo(new GitAuth.Token("oauth2",
                new SecretRef.FromEnv("CAPSTAN_GIT_TOKEN")));
    }

    @Test
    void destinationsBoundWhereEachEnvironmentWritesAndDefaultToTheShippedClusterKinds() {
        AgentConfig open = AgentConfigLoader.parse("repo: {url: 'file:///r'}\n", "a.yaml", BASE);
        AgentConfig narrow = AgentConfigLoader.parse("""
                repo: {url: 'file:///r'}
                destinations:
                  namespaces: {staging: [staging, "pr-*"], production: [production]}
                """, "a.yaml", BASE);

        assertThat(open.destinations().restricted()).isFalse();
        assertThat(open.destinations().allowsNamespace("staging", "kube-system")).isTrue();
        assertThat(narrow.destinations().allowsNamespace("staging", "pr-17")).isTrue();
        assertThat(narrow.destinations().allowsNamespace("staging", "production")).isFalse();
        assertThat(narrow.destinations().allowsNamespace("qa", "qa")).isFalse();
        assertThat(narrow.destinations().allowsClusterResource("apiextensions.k8s.io", "CustomResourceDefinition"))
                .isTrue();
        assertThat(narrow.destinations().allowsClusterResource("", "Namespace")).isTrue();
        assertThat(narrow.destinations().allowsClusterResource("rbac.authorization.k8s.io", "ClusterRoleBinding"))
                .isFalse();
        assertThat(narrow.destinations().replaceUnownedCrds()).isFalse();
    }

    @Test
    void appliesDefaults() {
        AgentConfig config = AgentConfigLoader.parse("repo: {url: 'file:///srv/git/deploy.git'}\n", "a.yaml", BASE);

        assertThat(config.repo().branch()).isEqualTo("main");
        assertThat(config.repo().pollInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.cluster().kubeconfig()).isEmpty();
        assertThat(config.http().port()).isEqualTo(8080);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "cacheDir: x|a.yaml: repo: required",
        "repo: {branch: main}|a.yaml: repo.url: required",
        "repo: {url: 'ftp://host/repo'}|a.yaml: repo.url: expected a file://, https://, http:// or ssh:// URL",
        "repo: {url: 'file:///r', pollInterval: 0s}|a.yaml: repo.pollInterval: must be greater than zero",
        "repo: {url: 'file:///r', pollInterval: 10}|a.yaml: repo.pollInterval: expected a duration",
        "repo: {url: 'file:///r', branch: 'refs/heads/main'}|a.yaml: repo.branch: expected a branch name",
        "repo: {url: 'file:///r'}\\nhttp: {port: 70000}|a.yaml: http.port: expected a whole number from 0 to 65535",
        "repo: {url: 'file:///r'}\\nhttp: {port: eighty}|a.yaml: http.port: expected a whole number",
        "repo: {url: 'file:///r'}\\nlisten: 8080|a.yaml: listen: unknown field",
        "repo: {url: 'file:///r', token: abc}|a.yaml: repo.token: unknown field",
        "repo: {url: 'file:///r'}\\ncommitStatus: {provider: bitbucket, tokenFile: t}|a.yaml: commitStatus.provider:"
                + " expected github, gitlab or gitea",
        "repo: {url: 'https://git.example.com/shop/deploy.git'}\\ncommitStatus: {provider: gitea, tokenFile: t}"
                + "|a.yaml: commitStatus.apiUrl: required for gitea",
        "repo: {url: 'file:///r'}\\ncommitStatus: {provider: github, tokenFile: t}|a.yaml: commitStatus.repository:"
                + " required",
        "repo: {url: 'file:///r'}\\ncommitStatus: {provider: github, repository: '../../admin', tokenFile: t}"
                + "|a.yaml: commitStatus.repository: expected owner/name",
        "repo: {url: 'file:///r'}\\ncommitStatus: {provider: github, repository: a/b}|a.yaml: commitStatus.tokenFile:"
                + " give exactly one of tokenFile and tokenEnv",
        "repo: {url: 'file:///r'}\\ncommitStatus: {provider: gitlab, repository: a/b, tokenFile: t, apiUrl:"
                + " 'https://u:p@gitlab.example.com/api/v4'}|a.yaml: commitStatus.apiUrl: expected an http:// or"
                + " https:// URL without credentials",
        "repo: {url: 'file:///r'}\\ndestinations: {clusterResources: [Namespace]}|a.yaml: destinations.namespaces:"
                + " required",
        "repo: {url: 'file:///r'}\\ndestinations: {namespaces: {staging: [Staging]}}|a.yaml:"
                + " destinations.namespaces.staging: 'Staging' is not a namespace name",
        "repo: {url: 'file:///r'}\\ndestinations: {namespaces: {}, clusterResources: [clusterrolebindings]}|a.yaml:"
                + " destinations.clusterResources: 'clusterrolebindings' is not group/Kind",
        "repo: {url: 'file:///r'}\\ndestinations: {namespaces: {}, replaceUnownedCrds: yes please}|a.yaml:"
                + " destinations.replaceUnownedCrds: expected true or false",
        "repo: {url: 'file:///r'}\\nkustomize: {allowRemoteBases: sometimes}|a.yaml: kustomize.allowRemoteBases:"
                + " expected true or false",
        "repo: {url: 'file:///r'}\\nkustomize: {enableHelm: true}|a.yaml: kustomize",
        "repo: {url: 'file:///r'}\\ncharts: {allowedRepositories: ['file:///charts']}|a.yaml:"
                + " charts.allowedRepositories: 'file:///charts': expected a URL prefix",
        "repo: {url: 'file:///r'}\\ncharts: {repositories: [{host: 'https://r.example.com'}]}|a.yaml:"
                + " charts.repositories[0].host: expected a host name",
        "repo: {url: 'file:///r'}\\ncharts: {repositories: [{host: r.example.com, username: u, passwordFile: p,"
                + " tokenEnv: T}]}|a.yaml: charts.repositories[0].tokenFile: give a password (basic auth) or a token",
        "repo: {url: 'file:///r'}\\ncharts: {repositories: [{host: r.example.com, passwordFile: p}]}|a.yaml:"
                + " charts.repositories[0].username: a username and a password go together",
        "repo: {url: 'file:///r'}\\ncharts: {repositories: [{host: r.example.com, password: hunter2}]}|a.yaml:"
                + " charts.repositories[0]",
    })
    void rejectsInvalidConfigNamingTheField(String yaml, String expected) {
        assertThatThrownBy(() -> AgentConfigLoader.parse(yaml.replace("\\n", "\n"), "a.yaml", BASE))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(expected);
    }

    @Test
    void kustomizationsFetchNothingRemoteUnlessTheAgentConfigAllowsIt() {
        assertThat(AgentConfigLoader.parse("repo: {url: 'file:///r'}\n", "a.yaml", BASE).kustomize()
                .allowRemoteBases()).isFalse();
        assertThat(AgentConfigLoader.parse("repo: {url: 'file:///r'}\nkustomize: {allowRemoteBases: true}\n",
                "a.yaml", BASE).kustomize().allowRemoteBases()).isTrue();
    }

    @Test
    void chartsAreFetchedFromHttpsAndOciWithLoginsReadFromFilesOrTheEnvironment() {
        AgentConfig defaults = AgentConfigLoader.parse("repo: {url: 'file:///r'}\ncacheDir: /var/cache/capstan\n",
                "a.yaml", BASE);
        assertThat(defaults.charts().allowedRepositories()).containsExactly("https://", "oci://");
        assertThat(defaults.chartCacheDir()).isEqualTo(Path.of("/var/cache/capstan/charts"));
        assertThat(defaults.charts().maxArchiveBytes()).isEqualTo(16L * 1024 * 1024);

        AgentConfig config = AgentConfigLoader.parse("""
                repo: {url: 'file:///r'}
                charts:
                  cacheDir: charts-cache
                  allowedRepositories: ["oci://registry.example.com/", "https://charts.example.com/"]
                  maxArchiveMiB: 4
                  repositories:
                    - {host: registry.example.com, username: deploy, passwordFile: secrets/registry}
                    - {host: "charts.example.com:8443", tokenEnv: CHARTS_TOKEN, caFile: ca.pem}
                """, "a.yaml", BASE);
        assertThat(config.chartCacheDir()).isEqualTo(BASE.resolve("charts-cache"));
        assertThat(config.charts().maxArchiveBytes()).isEqualTo(4L * 1024 * 1024);
        assertThat(config.charts().logins()).containsExactly(
                new ChartsConfig.Login("registry.example.com", java.util.Optional.of("deploy"),
                        java.util.Optional.of(new SecretRef.FromFile(BASE.resolve("secrets/registry"))),
                        java.util.Optional.empty(), java.util.Optional.empty()),
                new ChartsConfig.Login("charts.example.com:8443", java.util.Optional.empty(),
                        java.util.Optional.empty(), java.util.Optional.of(new SecretRef.FromEnv("CHARTS_TOKEN")),
                        java.util.Optional.of(BASE.resolve("ca.pem"))));
    }

    @Test
    void commitStatusDefaultsToThePublicHostAndTheRepositoryOfTheCloneUrl() {
        AgentConfig config = AgentConfigLoader.parse("""
                repo: {url: 'ssh://git@github.com/shop/deploy.git'}
                commitStatus: {provider: github, tokenFile: secrets/status-token,
                               pageUrl: 'https://capstan.shop.example/'}
                """, "a.yaml", BASE);

        CommitStatusConfig status = config.commitStatus().orElseThrow();
        assertThat(status.provider()).isEqualTo(CommitStatusConfig.Provider.GITHUB);
        assertThat(status.apiUrl()).hasToString("https://api.github.com");
        assertThat(status.repository()).isEqualTo("shop/deploy");
        assertThat(status.token()).isEqualTo(new SecretRef.FromFile(BASE.resolve("secrets/status-token")));
        assertThat(status.pageUrl()).contains(java.net.URI.create("https://capstan.shop.example/"));
        assertThat(CommitStatusConfig.repositoryOf("https://gitlab.example.com/group/sub/deploy.git"))
                .contains("group/sub/deploy");
        assertThat(CommitStatusConfig.repositoryOf("https://git.example.com/deploy")).isEmpty();
    }

    @Test
    void neverEchoesAPasswordInTheUrl() {
        assertThatThrownBy(() -> AgentConfigLoader.parse("repo: {url: 'https://bot:s3cret@git.example.com/r.git'}",
                "a.yaml", BASE))
                .hasMessage("a.yaml: repo.url: must not contain a password; reference credentials by file")
                .message().doesNotContain("s3cret");
    }

    @Test
    void parsesCredentialsResilienceAndWebhooksByReference() {
        AgentConfig config = AgentConfigLoader.parse("""
                repo:
                  url: ssh://git@git.example.com/shop/deploy.git
                  auth: {type: ssh, privateKeyFile: keys/id_ecdsa, knownHostsFile: keys/known_hosts}
                  resilience: {attempts: 5, backoff: 1s, failuresToOpen: 3, openFor: 1m, timeout: 10s}
                webhooks:
                  github: {secretFile: hooks/github}
                  gitlab: {secretEnv: GITLAB_TOKEN}
                  maxRequestsPerSecond: 5
                """, "a.yaml", BASE);

        assertThat(config.repo().auth()).isEqualTo(new GitAuth.Ssh(Path.of("/etc/capstan/keys/id_ecdsa"),
                Path.of("/etc/capstan/keys/known_hosts")));
        assertThat(config.repo().resilience()).isEqualTo(new AgentConfig.Resilience(5, Duration.ofSeconds(1), 3,
                Duration.ofMinutes(1), Duration.ofSeconds(10)));
        assertThat(config.webhooks().secret(WebhookConfig.Provider.GITHUB))
                .contains(new SecretRef.FromFile(Path.of("/etc/capstan/hooks/github")));
        assertThat(config.webhooks().secret(WebhookConfig.Provider.GITLAB))
                .contains(new SecretRef.FromEnv("GITLAB_TOKEN"));
        assertThat(config.webhooks().secret(WebhookConfig.Provider.GITEA)).isEmpty();
        assertThat(config.webhooks().maxRequestsPerSecond()).isEqualTo(5);
    }

    @Test
    void releasesDefaultToTheAgentNamespaceAndTenRevisions() {
        AgentConfig defaults = AgentConfigLoader.parse("repo: {url: 'file:///r'}\n", "a.yaml", BASE);
        AgentConfig custom = AgentConfigLoader.parse("repo: {url: 'file:///r'}\nreleases: {namespace: gitops,"
                + " historyLimit: 3}\n", "a.yaml", BASE);

        assertThat(defaults.releases()).isEqualTo(new AgentConfig.Releases("capstan-system", 10));
        assertThat(custom.releases()).isEqualTo(new AgentConfig.Releases("gitops", 3));
        assertThatThrownBy(() -> AgentConfigLoader.parse("repo: {url: 'file:///r'}\nreleases: {historyLimit: 0}\n",
                "a.yaml", BASE)).hasMessageStartingWith("a.yaml: releases.historyLimit: expected a whole number");
    }

    @Test
    void tokenAuthDefaultsItsUsername() {
        AgentConfig config = AgentConfigLoader.parse("""
                repo:
                  url: https://git.example.com/shop/deploy.git
                  auth: {type: token, tokenEnv: GIT_TOKEN}
                """, "a.yaml", BASE);

        assertThat(config.repo().auth()).isEqualTo(new GitAuth.Token("git", new SecretRef.FromEnv("GIT_TOKEN")));
        assertThat(new SecretRef.Secret("hunter2").toString()).isEqualTo("***");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "repo: {url: 'https://h/r', auth: {type: ssh, privateKeyFile: k, knownHostsFile: h}}|a.yaml: repo.auth.type:"
                + " ssh authentication needs an ssh:// repo.url",
        "repo: {url: 'ssh://h/r', auth: {type: token, tokenFile: t}}|a.yaml: repo.auth.type: token authentication"
                + " needs an https:// repo.url",
        "repo: {url: 'https://h/r', auth: {type: token}}|a.yaml: repo.auth.tokenFile: give exactly one of tokenFile"
                + " and tokenEnv",
        "repo: {url: 'https://h/r', auth: {type: token, tokenFile: a, tokenEnv: B}}|a.yaml: repo.auth.tokenFile: give"
                + " exactly one",
        "repo: {url: 'https://h/r', auth: {type: basic, passwordFile: p}}|a.yaml: repo.auth.username: required",
        "repo: {url: 'https://h/r', auth: {type: token, token: abc}}|a.yaml: repo.auth.token: unknown field",
        "repo: {url: 'https://h/r', auth: {type: kerberos}}|a.yaml: repo.auth.type: expected none, token, basic or ssh",
        "repo: {url: 'file:///r'}\\nwebhooks: {github: {secret: abc}}|a.yaml: webhooks.github.secret: unknown field",
        "repo: {url: 'file:///r'}\\nwebhooks: {bitbucket: {secretFile: s}}|a.yaml: webhooks.bitbucket: unknown field",
        "repo: {url: 'file:///r', resilience: {attempts: 0}}|a.yaml: repo.resilience.attempts: expected a whole number",
    })
    void rejectsInvalidCredentialAndWebhookConfig(String yaml, String expected) {
        assertThatThrownBy(() -> AgentConfigLoader.parse(yaml.replace("\\n", "\n"), "a.yaml", BASE))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(expected);
    }

    @Test
    void anEmptyFileIsNamed() {
        assertThatThrownBy(() -> AgentConfigLoader.parse("", "a.yaml", BASE)).hasMessage("a.yaml: the file is empty");
    }

    @Test
    void aMissingFileIsNamed() {
        assertThatThrownBy(() -> AgentConfigLoader.load(Path.of("/nonexistent/agent.yaml")))
                .hasMessage("/nonexistent/agent.yaml: no such file");
    }

    @Test
    void parsesAlertSinksRoutesAndTracing() {
        AgentConfig config = AgentConfigLoader.parse("""
                repo: {url: 'file:///r'}
                alerts:
                  sinks:
                    pager: {type: webhook, url: "https://pager.example.com/hook", secretFile: pager.secret}
                    incidents: {type: slack, urlFile: slack.url}
                  routes: {critical: [pager, incidents], high: [incidents], low: []}
                  failingFor: 2m
                tracing: {otlpEndpoint: "http://collector:4318"}
                """, "a.yaml", BASE);
        AlertConfig alerts = config.alerts();
        assertThat(alerts.route(AlertConfig.Severity.CRITICAL)).containsExactly("pager", "incidents");
        assertThat(alerts.route(AlertConfig.Severity.MEDIUM)).isEmpty();
        assertThat(alerts.failingFor()).isEqualTo(java.time.Duration.ofMinutes(2));
        assertThat(alerts.sinks().get("pager")).isInstanceOfSatisfying(AlertConfig.Sink.Webhook.class, w ->
                assertThat(w.signingSecret()).contains(new SecretRef.FromFile(BASE.resolve("pager.secret"))));
        assertThat(alerts.sinks().get("incidents").url()).isEqualTo(new AlertConfig.Url.Secret(
                new SecretRef.FromFile(BASE.resolve("slack.url"))));
        assertThat(config.tracing().otlpEndpoint()).contains(java.net.URI.create("http://collector:4318"));
        assertThat(AgentConfigLoader.parse("repo: {url: 'file:///r'}\n", "a.yaml", BASE).tracing().otlpEndpoint())
                .as("tracing is off by default").isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "alerts: {sinks: {s: {type: email}}}|a.yaml: alerts.sinks.s.type: expected webhook or slack",
        "alerts: {sinks: {s: {type: slack, url: 'https://hooks.slack.com/x'}}}|alerts.sinks.s.url: a Slack URL holds"
                + " its token",
        "alerts: {sinks: {s: {type: webhook, url: 'https://h/x?token=1'}}}|alerts.sinks.s.url: credentials or a query",
        "alerts: {sinks: {s: {type: webhook}}}|alerts.sinks.s.urlFile: give exactly one of urlFile and urlEnv",
        "alerts: {routes: {critical: [pager]}}|alerts.routes.critical: no sink named 'pager'",
        "alerts: {routes: {urgent: []}}|alerts.routes.urgent: unknown field",
        "tracing: {otlpEndpoint: 'grpc://c:4317'}|tracing.otlpEndpoint: expected an http:// or https:// URL",
        "ha: {enabled: yes-please}|ha.enabled: expected true or false",
        "ha: {enabled: true, leaseDuration: 10s, renewDeadline: 10s}|ha.renewDeadline: must be shorter than"
                + " leaseDuration (10s)",
        "ha: {enabled: true, renewDeadline: 5s, retryPeriod: 5s}|ha.retryPeriod: must be shorter than renewDeadline",
        "ha: {shards: 3}|ha.shards: sharding needs ha.enabled: true",
        "ha: {enabled: true, shards: 0}|ha.shards: expected a whole number from 1",
        "ha: {enabled: true, shards: 3, shard: 3}|ha.shard: expected a whole number from 0 to 2",
        "ha: {enabled: true, shards: 3, identity: capstan}|ha.shard: not set, and identity 'capstan' ends in no",
        "ha: {enabled: true, shards: 3, shard: 1, shardBy: namespace}|ha.shardBy: expected chart or cluster",
        "api: {openEndpoints: [healthz, admin]}|api.openEndpoints: expected some of healthz, readyz, metrics",
        "api: {maxRequestsPerSecond: 0}|api.maxRequestsPerSecond: expected a whole number from 1",
        "clusters: {default: {context: x}}|clusters.default: 'default' is the agent's own cluster",
        "clusters: {eu: {context: x, token: y}}|clusters.eu.token: unknown field",
    })
    void rejectsBadAlertsTracingHaAndApiNamingTheField(String yaml, String expected) {
        assertThatThrownBy(() -> AgentConfigLoader.parse("repo: {url: 'file:///r'}\n" + yaml, "a.yaml", BASE))
                .isInstanceOf(ConfigException.class).hasMessageContaining(expected);
    }

    @Test
    void parsesHaAndApiAccess() {
        AgentConfig config = AgentConfigLoader.parse("""
                repo: {url: 'file:///r'}
                ha: {enabled: true, identity: pod-1, leaseDuration: 20s}
                api: {tokensFile: tokens.yaml, openEndpoints: [healthz], tls: {certFile: c.pem, keyFile: k.pem}}
                """, "a.yaml", BASE);
        assertThat(config.ha().enabled()).isTrue();
        assertThat(config.ha().identity()).isEqualTo("pod-1");
        assertThat(config.ha().leaseDuration()).isEqualTo(java.time.Duration.ofSeconds(20));
        assertThat(config.ha().leaseName()).isEqualTo("capstan-leader");
        assertThat(config.api().tokensFile()).contains(BASE.resolve("tokens.yaml"));
        assertThat(config.api().openEndpoints()).containsExactly("healthz");
        assertThat(config.api().tls()).contains(new ApiConfig.Tls(BASE.resolve("c.pem"), BASE.resolve("k.pem")));
        assertThat(config.ha().sharding()).isEqualTo(AgentConfig.Sharding.none());
        assertThat(config.ha().leaseOf(0)).isEqualTo("capstan-leader");
        AgentConfig defaults = AgentConfigLoader.parse("repo: {url: 'file:///r'}\n", "a.yaml", BASE);
        assertThat(defaults.ha().enabled()).isFalse();
        assertThat(defaults.api().tokensFile()).isEmpty();
        assertThat(defaults.api().openEndpoints()).containsExactlyInAnyOrder("healthz", "readyz", "metrics");
    }

    @Test
    void aReplicasShardIsSetOrItsStatefulSetOrdinal() {
        AgentConfig ordinal = AgentConfigLoader.parse("repo: {url: 'file:///r'}\n"
                + "ha: {enabled: true, identity: capstan-4, shards: 3}\n", "a.yaml", BASE);
        assertThat(ordinal.ha().sharding()).isEqualTo(new AgentConfig.Sharding(3, 1));
        assertThat(ordinal.ha().leaseOf(2)).isEqualTo("capstan-leader-shard-2");
        AgentConfig set = AgentConfigLoader.parse("repo: {url: 'file:///r'}\n"
                + "ha: {enabled: true, identity: anything, shards: 3, shard: 2}\n", "a.yaml", BASE);
        assertThat(set.ha().sharding()).isEqualTo(new AgentConfig.Sharding(3, 2));
        assertThat(set.ha().sharding().by()).isEqualTo(AgentConfig.ShardKey.CHART);
        AgentConfig byCluster = AgentConfigLoader.parse("repo: {url: 'file:///r'}\n"
                + "ha: {enabled: true, identity: capstan-1, shards: 2, shardBy: cluster}\n", "a.yaml", BASE);
        assertThat(byCluster.ha().sharding()).isEqualTo(new AgentConfig.Sharding(2, 1, AgentConfig.ShardKey.CLUSTER));
    }

    @Test
    void environmentVariablesOverrideSecretsPathsByTheirConfigPath() {
        java.util.Map<String, String> env = java.util.Map.of(
                "CAPSTAN_REPO_AUTH_TOKEN_FILE", "/run/secrets/git-token",
                "CAPSTAN_API_TOKENS_FILE", "/run/secrets/api-tokens.yaml",
                "CAPSTAN_WEBHOOKS_GITHUB_SECRET_FILE", "/run/secrets/github");
        AgentConfig config = AgentConfigLoader.parse("""
                repo: {url: 'https://h/r', auth: {type: token, tokenFile: /etc/capstan/git/token}}
                webhooks: {github: {}}
                api: {}
                """, "a.yaml", BASE, env::get);
        assertThat(config.repo().auth()).isEqualTo(new GitAuth.Token("git",
                new SecretRef.FromFile(Path.of("/run/secrets/git-token"))));
        assertThat(config.api().tokensFile()).contains(Path.of("/run/secrets/api-tokens.yaml"));
        assertThat(config.webhooks().secret(WebhookConfig.Provider.GITHUB)).isPresent();
        GitAuth withoutOverride = AgentConfigLoader.parse("repo: {url: 'https://h/r', auth: {type: token, "
                + "tokenFile: t}}\n", "a.yaml", BASE, name -> null).repo().auth();
        assertThat(withoutOverride).isEqualTo(new GitAuth.Token("git", new SecretRef.FromFile(BASE.resolve("t"))));
    }
}
