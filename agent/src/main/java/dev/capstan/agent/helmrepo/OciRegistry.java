package dev.capstan.agent.helmrepo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A chart in an OCI registry, fetched as Helm pulls it: the manifest of {@code <path>/<name>:<version>} (or of the
 * pinned digest), then its chart layer ({@code application/vnd.cncf.helm.chart.content.v1.tar+gzip}), each checked
 * against its digest. Logins as registries ask for them: basic, or a bearer token from the registry's token service
 * (with the host's basic login, or anonymously). Always over https.
 */
final class OciRegistry {
    static final String CHART_LAYER = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
    private static final String MANIFEST_TYPES = "application/vnd.oci.image.manifest.v1+json";
    private static final long MAX_MANIFEST_BYTES = 4L * 1024 * 1024;
    private static final Pattern PATH = Pattern.compile(
            "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern HOST = Pattern.compile(
            "[A-Za-z0-9.-]+(?::[0-9]{1,5})?|\\[[0-9a-fA-F:]+](?::[0-9]{1,5})?");
    private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryHttp http;
    private final RepositoryAccess access;

    OciRegistry(RegistryHttp http, RepositoryAccess access) {
        this.http = http;
        this.access = access;
    }

    FetchedArchive fetch(ChartReference ref) {
        String rest = ref.repository().substring("oci://".length());
        int slash = rest.indexOf('/');
        String host = slash < 0 ? rest : rest.substring(0, slash);
        String path = (slash < 0 ? "" : rest.substring(slash + 1) + "/") + ref.name();
        String what = "registry " + RepositoryAccess.shown(ref.repository());
        if (!HOST.matcher(host).matches() || !PATH.matcher(path).matches()) {
            throw new ChartFetchException(what + ": " + ref.name() + " is not a valid OCI repository name");
        }
        String reference = ref.digest().orElse(ref.version().replace('+', '_'));
        if (ref.digest().isEmpty() && !TAG.matcher(reference).matches()) {
            throw new ChartFetchException(what + ": version " + ref.version() + " is not a valid OCI tag");
        }
        URI base = URI.create("https://" + host + "/v2/" + path + "/");
        Session session = new Session(base, path, what);
        RegistryHttp.Answer manifest = session.get(base.resolve("manifests/" + reference),
                Map.of("Accept", MANIFEST_TYPES), MAX_MANIFEST_BYTES, what + " " + ref.name() + ":" + reference);
        if (manifest.status() != 200) {
            throw new ChartFetchException(what + ": " + ref.name() + ":" + reference + " answered HTTP "
                    + manifest.status() + ClassicRepository.statusHint(manifest.status()));
        }
        if (ref.digest().isPresent() && !Digests.sha256(manifest.body()).equals(ref.digest().get())) {
            throw new ChartFetchException(what + ": the manifest of " + ref.name() + " is not the pinned "
                    + ref.digest().get() + "; nothing rendered from it");
        }
        JsonNode layer = chartLayer(manifest.body(), what, ref);
        String layerDigest = layer.path("digest").asText("");
        if (!Digests.valid(layerDigest)) {
            throw new ChartFetchException(what + ": " + ref.name() + " " + ref.version() + ": the chart layer has no "
                    + "sha256 digest");
        }
        if (layer.path("size").asLong(0) > access.maxArchiveBytes()) {
            throw new ChartFetchException(what + ": " + ref.name() + " " + ref.version() + ": the chart is larger "
                    + "than " + RegistryHttp.size(access.maxArchiveBytes()) + ", refused");
        }
        RegistryHttp.Answer blob = session.get(base.resolve("blobs/" + layerDigest), Map.of(),
                access.maxArchiveBytes(), what + " " + ref.name() + " " + ref.version());
        if (blob.status() != 200) {
            throw new ChartFetchException(what + ": the chart layer of " + ref.name() + " " + ref.version()
                    + " answered HTTP " + blob.status());
        }
        String actual = Digests.sha256(blob.body());
        if (!actual.equals(layerDigest)) {
            throw new ChartFetchException(what + ": " + ref.name() + " " + ref.version() + ": the chart layer's "
                    + "digest " + actual + " is not the manifest's " + layerDigest + "; nothing rendered from it");
        }
        return new FetchedArchive(actual, blob.body());
    }

    private static JsonNode chartLayer(byte[] manifest, String what, ChartReference ref) {
        try {
            for (JsonNode layer : JSON.readTree(manifest).path("layers")) {
                if (CHART_LAYER.equals(layer.path("mediaType").asText())) {
                    return layer;
                }
            }
        } catch (IOException e) {
            throw new ChartFetchException(what + ": the manifest of " + ref.name() + " " + ref.version()
                    + " is not JSON");
        }
        throw new ChartFetchException(what + ": " + ref.name() + " " + ref.version() + " is not a Helm chart (no "
                + CHART_LAYER + " layer)");
    }

    /** The requests of one fetch, sharing the authorization the registry asked for. */
    private final class Session {
        private final URI base;
        private final String path;
        private final String what;
        private Optional<String> authorization;

        Session(URI base, String path, String what) {
            this.base = base;
            this.path = path;
            this.what = what;
            this.authorization = access.login(base).flatMap(l -> l.token().isPresent()
                    ? access.authorization(base) : Optional.empty());
        }

        RegistryHttp.Answer get(URI uri, Map<String, String> headers, long maxBytes, String label) {
            RegistryHttp.Answer answer = http.get(uri, headers, authorization, maxBytes, label);
            if (answer.status() != 401) {
                return answer;
            }
            String challenge = answer.header("WWW-Authenticate").orElse("");
            Optional<String> next = authorize(challenge);
            if (next.isEmpty() || next.equals(authorization)) {
                return answer;
            }
            authorization = next;
            return http.get(uri, headers, authorization, maxBytes, label);
        }

        private Optional<String> authorize(String challenge) {
            String scheme = challenge.strip().split("\\s+", 2)[0].toLowerCase(java.util.Locale.ROOT);
            if (scheme.equals("basic")) {
                return access.basicAuthorization(base);
            }
            if (!scheme.equals("bearer")) {
                return Optional.empty();
            }
            Map<String, String> params = new java.util.HashMap<>();
            Matcher m = CHALLENGE_PARAM.matcher(challenge);
            while (m.find()) {
                params.put(m.group(1).toLowerCase(java.util.Locale.ROOT), m.group(2));
            }
            String realm = params.getOrDefault("realm", "");
            URI realmUri;
            try {
                realmUri = URI.create(realm);
            } catch (IllegalArgumentException e) {
                throw new ChartFetchException(what + ": the registry's token service is not a URL");
            }
            if (!"https".equals(realmUri.getScheme())) {
                throw new ChartFetchException(what + ": the registry's token service is not https, refused");
            }
            String scope = params.getOrDefault("scope", "repository:" + path + ":pull");
            String query = "service=" + encode(params.getOrDefault("service", "")) + "&scope=" + encode(scope);
            URI tokenUri = URI.create(realm + (realm.contains("?") ? "&" : "?") + query);
            RegistryHttp.Answer token = http.get(tokenUri, Map.of(), access.basicAuthorization(base), 1024 * 1024,
                    what + " token service");
            if (token.status() != 200) {
                throw new ChartFetchException(what + ": the registry's token service answered HTTP " + token.status()
                        + ClassicRepository.statusHint(token.status()));
            }
            try {
                JsonNode body = JSON.readTree(token.body());
                String value = body.path("token").asText(body.path("access_token").asText(""));
                return value.isEmpty() ? Optional.empty() : Optional.of("Bearer " + value);
            } catch (IOException e) {
                throw new ChartFetchException(what + ": the registry's token service did not answer JSON");
            }
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
