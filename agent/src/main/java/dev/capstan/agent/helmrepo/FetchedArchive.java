package dev.capstan.agent.helmrepo;

/** A chart archive ({@code .tgz}) as fetched or read from the cache, with its sha256 ({@code sha256:<hex>}). */
record FetchedArchive(String digest, byte[] bytes) {
}
