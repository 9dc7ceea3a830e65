package dev.capstan.agent.helmrepo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VersionRangeTest {

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "~1.2.0       ; 1.2.9  ; true",
        "~1.2.0       ; 1.3.0  ; false",
        "^1.2         ; 1.9.0  ; true",
        "^1.2         ; 2.0.0  ; false",
        "^0.2.3       ; 0.2.9  ; true",
        "^0.2.3       ; 0.3.0  ; false",
        ">=1.0.0 <2   ; 1.5.0  ; true",
        ">=1.0.0 <2   ; 2.0.0  ; false",
        ">= 1.0, < 2  ; 1.0.0  ; true",
        "5.28.*       ; 5.28.4 ; true",
        "5.28.*       ; 5.29.0 ; false",
        "1.2.x        ; 1.2.0  ; true",
        "*            ; 9.9.9  ; true",
        "1.2.3        ; 1.2.3  ; true",
        "1.2.3        ; 1.2.4  ; false",
        "1.0 - 2.0    ; 1.5.0  ; true",
        "1.0 - 2.0    ; 2.1.0  ; false",
        "^1 || ^3     ; 3.1.0  ; true",
        "^1 || ^3     ; 2.1.0  ; false",
    })
    void rangesAllowTheVersionsHelmAllows(String range, String version, boolean allowed) {
        assertThat(VersionRange.allows(range, version)).isEqualTo(Optional.of(allowed));
    }

    @ParameterizedTest
    @CsvSource({"1.2.3,true", "v1.2.3,true", "1.2.3-rc.1+build.5,true", "^1.2,false", "*,false", "1.2,false",
        "1.2.x,false"})
    void exactVersions(String version, boolean exact) {
        assertThat(VersionRange.exact(version)).isEqualTo(exact);
    }
}
