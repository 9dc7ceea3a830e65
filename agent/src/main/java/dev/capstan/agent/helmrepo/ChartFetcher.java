package dev.capstan.agent.helmrepo;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Charts by reference, from the cache when fetched before, else from their repository or registry (checked against
 * the agent config's allowed repositories, verified against their digests, kept in the cache). A reference whose
 * fetch failed is not asked for again before its backoff ends (10 s, doubling to 5 min): until then it fails at once
 * with the last error, so a repository that is down is not hammered by every cycle and every environment.
 */
public final class ChartFetcher {
    private static final Logger LOG = LoggerFactory.getLogger(ChartFetcher.class);
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(10);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    private final RepositoryAccess access;
    private final ChartCache cache;
    private final ClassicRepository classic;
    private final OciRegistry oci;
    private final Clock clock;
    private final Map<String, Object> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Failure> failures = new ConcurrentHashMap<>();

    private record Failure(Instant until, Duration backoff, String message) {
    }

    public ChartFetcher(RepositoryAccess access, Path cacheDir, Clock clock) {
        this.access = access;
        this.cache = new ChartCache(cacheDir);
        RegistryHttp http = new RegistryHttp(access);
        this.classic = new ClassicRepository(http, access);
        this.oci = new OciRegistry(http, access);
        this.clock = clock;
    }

    /** The chart's files (paths under its top directory), fetched if not cached. */
    public Map<String, byte[]> chartFiles(ChartReference ref) {
        FetchedArchive archive = archive(ref);
        return ChartArchive.unpack(archive.bytes(), ref.describe());
    }

    FetchedArchive archive(ChartReference ref) {
        access.checkAllowed(ref.repository());
        if (ref.digest().isPresent() && !Digests.valid(ref.digest().get())) {
            throw new ChartFetchException(ref.describe() + ": digest " + ref.digest().get() + " is not "
                    + "sha256:<64 hex digits>");
        }
        String key = ref.cacheKey();
        synchronized (inFlight.computeIfAbsent(key, k -> new Object())) {
            var cached = cache.resolved(ref);
            if (cached.isPresent()) {
                return cached.get();
            }
            Failure failed = failures.get(key);
            Instant now = clock.instant();
            if (failed != null && now.isBefore(failed.until())) {
                throw new ChartFetchException(failed.message() + " (tried again in "
                        + Math.max(1, Duration.between(now, failed.until()).toSeconds()) + " s)");
            }
            try {
                FetchedArchive archive = ref.oci() ? oci.fetch(ref) : classic.fetch(ref);
                cache.store(ref, archive);
                failures.remove(key);
                LOG.info("fetched chart {} ({})", ref.describe(), archive.digest());
                return archive;
            } catch (ChartFetchException e) {
                Duration backoff = failed == null ? FIRST_BACKOFF : failed.backoff().multipliedBy(2);
                backoff = backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff;
                String shown = RepositoryAccess.shown(ref.repository());
                String detail = e.getMessage();
                List<String> prefixes = List.of("registry " + shown + ": ", "repository " + shown + ": ",
                        "registry " + shown + " ", "repository " + shown + " ");
                for (String prefix : prefixes) {
                    detail = detail.startsWith(prefix) ? detail.substring(prefix.length()) : detail;
                }
                String message = "cannot fetch chart " + ref.describe() + ": " + detail;
                failures.put(key, new Failure(now.plus(backoff), backoff, message));
                throw new ChartFetchException(message);
            }
        }
    }
}
