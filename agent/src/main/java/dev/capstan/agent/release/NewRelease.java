package dev.capstan.agent.release;

/** What a new revision is made of; the store numbers it and stamps the times. */
public record NewRelease(String chart, String env, String commit, String chartVersion, String appVersion,
                         String digest, String manifests, String source, int rollbackTo, String message) {
}
