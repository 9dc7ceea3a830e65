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
}
