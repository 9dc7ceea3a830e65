package dev.capstan.agent.drift;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import dev.capstan.agent.model.RenderedObject;
import dev.capstan.agent.model.StoredManifests;
import dev.capstan.agent.model.Yaml;
import java.util.List;

/**
 * A unified diff between two releases' stored manifests (the last good one and a failed one), with Secret values
 * masked on both sides: an incident record shows what changed without showing a secret. Pure.
 */
public final class ManifestDiff {
    private final SecretMask mask;

    public ManifestDiff(SecretMask mask) {
        this.mask = mask;
    }

    public String between(String chart, String goodName, String good, String badName, String bad) {
        List<String> before = masked(chart, good);
        List<String> after = masked(chart, bad);
        List<String> lines = UnifiedDiffUtils.generateUnifiedDiff(goodName, badName, before,
                DiffUtils.diff(before, after), 3);
        return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
    }

    private List<String> masked(String chart, String manifests) {
        StringBuilder out = new StringBuilder();
        for (RenderedObject object : StoredManifests.parse(chart, manifests)) {
            out.append("---\n").append(Yaml.write(mask.mask(object.key().kind(), object.content())));
        }
        return out.toString().lines().toList();
    }
}
