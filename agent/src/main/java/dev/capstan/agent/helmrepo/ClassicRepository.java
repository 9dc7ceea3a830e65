package dev.capstan.agent.helmrepo;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * A classic Helm repository: its {@code index.yaml} says where a chart version's archive is and its sha256. The
 * index is read as a stream and only the wanted chart's entries are kept, so a repository with a 30 MB index costs
 * no more heap than a small one.
 */
final class ClassicRepository {
    /** Public indexes reach tens of MB; more than this is not an index. */
    static final long MAX_INDEX_BYTES = 128L * 1024 * 1024;
    private static final ObjectMapper INDEX = new ObjectMapper(YAMLFactory.builder()
            .loaderOptions(loaderOptions()).build());

    private final RegistryHttp http;
    private final RepositoryAccess access;

    ClassicRepository(RegistryHttp http, RepositoryAccess access) {
        this.http = http;
        this.access = access;
    }

    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit((int) Math.min(Integer.MAX_VALUE, MAX_INDEX_BYTES));
        options.setMaxAliasesForCollections(50);
        options.setAllowDuplicateKeys(true);
        return options;
    }

    /** The verified archive of {@code ref}. */
    FetchedArchive fetch(ChartReference ref) {
        URI indexUri = URI.create(ref.repository() + "/index.yaml");
        String what = "repository " + RepositoryAccess.shown(ref.repository());
        Optional<String> auth = access.authorization(indexUri);
        RegistryHttp.StreamedAnswer answer = http.stream(indexUri, auth, MAX_INDEX_BYTES, what + " index.yaml");
        JsonNode entry;
        try (InputStream body = answer.body()) {
            if (answer.status() != 200) {
                throw new ChartFetchException(what + ": index.yaml answered HTTP " + answer.status()
                        + statusHint(answer.status()));
            }
            entry = findEntry(body, ref).orElseThrow(() -> new ChartFetchException(what + ": index.yaml lists no "
                    + "chart " + ref.name() + " at version " + ref.version()));
        } catch (IOException e) {
            throw new ChartFetchException(what + ": index.yaml: " + RegistryHttp.plain(e));
        }
        String url = entry.path("urls").path(0).asText("");
        if (url.isEmpty()) {
            throw new ChartFetchException(what + ": index.yaml lists " + ref.name() + " " + ref.version()
                    + " without a URL");
        }
        URI archiveUri;
        try {
            archiveUri = answer.uri().resolve(url);
        } catch (IllegalArgumentException e) {
            throw new ChartFetchException(what + ": index.yaml lists an unreadable URL for " + ref.name() + " "
                    + ref.version());
        }
        if (!"https".equals(archiveUri.getScheme()) && !"http".equals(archiveUri.getScheme())) {
            throw new ChartFetchException(what + ": " + ref.name() + " " + ref.version() + " is at a "
                    + archiveUri.getScheme() + " URL, refused");
        }
        if ("https".equals(indexUri.getScheme()) && !"https".equals(archiveUri.getScheme())) {
            throw new ChartFetchException(what + ": " + ref.name() + " " + ref.version() + " is at an http URL while "
                    + "the repository is https, refused");
        }
        Optional<String> listed = Optional.of(entry.path("digest").asText("")).filter(d -> !d.isEmpty())
                .map(d -> d.startsWith("sha256:") ? d : "sha256:" + d);
        Optional<String> pinned = ref.digest();
        if (pinned.isPresent() && listed.isPresent() && !pinned.get().equals(listed.get())) {
            throw new ChartFetchException(what + ": " + ref.name() + " " + ref.version() + " is listed with digest "
                    + listed.get() + ", not the pinned " + pinned.get());
        }
        RegistryHttp.Answer archive = http.get(archiveUri, java.util.Map.of(), access.authorization(archiveUri),
                access.maxArchiveBytes(), what + " " + ref.name() + " " + ref.version());
        if (archive.status() != 200) {
            throw new ChartFetchException(what + ": " + ref.name() + " " + ref.version() + " answered HTTP "
                    + archive.status() + statusHint(archive.status()));
        }
        String actual = Digests.sha256(archive.body());
        Optional<String> expected = pinned.or(() -> listed);
        if (expected.isPresent() && !expected.get().equals(actual)) {
            throw new ChartFetchException(what + ": " + ref.name() + " " + ref.version() + ": the archive's digest "
                    + actual + " is not the " + (pinned.isPresent() ? "pinned " : "index's ") + expected.get()
                    + "; nothing rendered from it");
        }
        return new FetchedArchive(actual, archive.body());
    }

    static String statusHint(int status) {
        return switch (status) {
            case 401, 403 -> " (a login for this host in the agent config's charts.repositories?)";
            case 404 -> " (not found)";
            default -> "";
        };
    }

    /** The index entry of {@code ref}'s name and version, read without keeping the rest of the index. */
    static Optional<JsonNode> findEntry(InputStream index, ChartReference ref) throws IOException {
        try (JsonParser parser = INDEX.createParser(index)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new ChartFetchException("index.yaml is not a mapping");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (!"entries".equals(field) || value != JsonToken.START_OBJECT) {
                    parser.skipChildren();
                    continue;
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String chart = parser.currentName();
                    JsonToken versions = parser.nextToken();
                    if (!chart.equals(ref.name()) || versions != JsonToken.START_ARRAY) {
                        parser.skipChildren();
                        continue;
                    }
                    while (parser.nextToken() == JsonToken.START_OBJECT) {
                        JsonNode entry = INDEX.readTree(parser);
                        if (sameVersion(entry.path("version").asText(""), ref.version())) {
                            return Optional.of(entry);
                        }
                    }
                }
                return Optional.empty();
            }
            return Optional.empty();
        }
    }

    /** Helm reads {@code v1.2.3} and {@code 1.2.3} as one version. */
    private static boolean sameVersion(String listed, String wanted) {
        return strip(listed).equals(strip(wanted));
    }

    private static String strip(String version) {
        return version.startsWith("v") ? version.substring(1) : version;
    }
}
