package dev.capstan.agent.release;

/** What a new revision is made of; the store numbers it and stamps the times. */
public record NewRelease(String chart, String env, String commit, String chartVersion, String appVersion,
                         String digest, String manifests, String source, int rollbackTo, String message,
                         Release.Origin origin) {
    public NewRelease(String chart, String env, String commit, String chartVersion, String appVersion,
                      String digest, String manifests, String source, int rollbackTo, String message) {
        this(chart, env, commit, chartVersion, appVersion, digest, manifests, source, rollbackTo, message,
                Release.Origin.UNKNOWN);
    }

    /**
     * A revision that re-applies {@code earlier}'s stored {@code manifests} (a rollback, automatic or asked for): its
     * commit, chart and digest, made by {@code by}, held to {@code source}.
     */
    public static NewRelease reapplying(Release earlier, String manifests, String source, String message,
                                        String by) {
        return new NewRelease(earlier.chart(), earlier.env(), earlier.commit(), earlier.chartVersion(),
                earlier.appVersion(), earlier.digest(), manifests, source, earlier.revision(), message,
                earlier.origin().by(by));
    }
}
