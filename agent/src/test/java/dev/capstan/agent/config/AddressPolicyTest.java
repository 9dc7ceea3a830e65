package dev.capstan.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AddressPolicyTest {

    @Test
    void inwardAddressesAreRefusedByDefault() {
        AddressPolicy policy = AddressPolicy.defaults();

        assertThat(policy.refusal("169.254.169.254")).hasValueSatisfying(r -> assertThat(r).contains("link-local"));
        assertThat(policy.refusal("127.0.0.1")).hasValueSatisfying(r -> assertThat(r).contains("loopback"));
        assertThat(policy.refusal("localhost")).hasValueSatisfying(r -> assertThat(r).contains("loopback"));
        assertThat(policy.refusal("[::1]")).hasValueSatisfying(r -> assertThat(r).contains("loopback"));
        assertThat(policy.refusal("0.0.0.0")).isPresent();
        assertThat(policy.refusal("[fe80::1]")).isPresent();
        assertThat(policy.refusal("[fd00:ec2::254]")).hasValueSatisfying(r -> assertThat(r).contains("metadata"));
        assertThat(policy.refusal("100.100.100.200")).hasValueSatisfying(r -> assertThat(r).contains("metadata"));
        assertThat(policy.refusal("2130706433")).as("127.0.0.1 as a number").isPresent();
        assertThat(policy.refusal("0x7f.1")).as("127.0.0.1 in hex").isPresent();
        assertThat(policy.refusal("203.0.113.7")).isEmpty();
    }

    @Test
    void theAllowListOpensRangesAndHostsButNothingElse() {
        AddressPolicy policy = AddressPolicy.allowing(List.of("127.0.0.0/8", "localhost"));

        assertThat(policy.refusal("127.0.0.5")).isEmpty();
        assertThat(policy.refusal("localhost")).isEmpty();
        assertThat(policy.refusal("169.254.169.254")).isPresent();
        assertThat(policy.refusal("[::1]")).isPresent();
        assertThatThrownBy(() -> AddressPolicy.allowing(List.of("metadata.internal/8")))
                .hasMessageContaining("not a CIDR range");
        assertThatThrownBy(() -> AddressPolicy.allowing(List.of("10.0.0.0/33"))).hasMessageContaining("0..32");
    }
}
