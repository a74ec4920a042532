package io.komo.sync.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.komo.sync.api.ProblemException;

class OutboundAddressGuardTest {

    private final OutboundAddressGuard strict = new OutboundAddressGuard(Optional.empty());

    @Test
    void refusesInternalIpv4Literals() {
        for (String host : new String[]{"127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "172.31.255.255",
                "192.168.1.1", "169.254.169.254", "224.0.0.1", "0.0.0.0", "100.64.0.1"}) {
            assertThat(strict.isAllowed("http://" + host + "/hook")).as(host).isFalse();
        }
    }

    @Test
    void acceptsPublicIpv4Literals() {
        for (String host : new String[]{"8.8.8.8", "172.32.0.1", "172.15.255.255", "11.0.0.1", "192.169.0.1"}) {
            assertThat(strict.isAllowed("https://" + host + "/hook")).as(host).isTrue();
        }
    }

    @Test
    void refusesInternalIpv6Literals() {
        for (String host : new String[]{"[::1]", "[::]", "[fe80::1]", "[fc00::1]", "[fd12:3456::1]", "[ff02::1]",
                "[::ffff:127.0.0.1]", "[::ffff:10.0.0.1]"}) {
            assertThat(strict.isAllowed("http://" + host + ":8080/")).as(host).isFalse();
        }
        assertThat(strict.isAllowed("http://[2001:4860:4860::8888]/")).isTrue();
    }

    @Test
    void refusesHostNamesThatResolveToLoopback() {
        assertThat(strict.refusal("http://localhost:9000/x")).get().asString()
                .contains("internal address").contains("KOMO_OUTBOUND_ALLOWLIST");
        assertThat(strict.isAllowed("http://LOCALHOST/")).isFalse();
    }

    @Test
    void refusesOtherSchemesAndBrokenUrls() {
        for (String url : new String[]{"ftp://8.8.8.8/", "file:///etc/passwd", "gopher://8.8.8.8/", "8.8.8.8/path",
                "http:///nohost", "http://exa mple.com/", "", null}) {
            assertThat(strict.isAllowed(url)).as(String.valueOf(url)).isFalse();
        }
    }

    @Test
    void checkAnswersA400NamingTheField() {
        assertThatThrownBy(() -> strict.check("endpoint.baseUrl", "http://127.0.0.1/"))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.problem().status()).isEqualTo(400);
                    assertThat(e.problem().errors()).singleElement()
                            .satisfies(error -> assertThat(error.field()).isEqualTo("endpoint.baseUrl"));
                });
        strict.check("endpoint.baseUrl", "https://8.8.8.8/ok");
    }

    @Test
    void allowlistTakesAddressesCidrsAndHostNames() {
        OutboundAddressGuard guard = new OutboundAddressGuard(
                Optional.of(" 10.0.0.0/8, 192.168.1.7 ,fd00::/8, [::1], Fake.Internal "));
        assertThat(guard.isAllowed("http://10.200.3.4/")).isTrue();
        assertThat(guard.isAllowed("http://192.168.1.7/")).isTrue();
        assertThat(guard.isAllowed("http://192.168.1.8/")).isFalse();
        assertThat(guard.isAllowed("http://[fd00::5]/")).isTrue();
        assertThat(guard.isAllowed("http://[fc00::5]/")).isFalse();
        assertThat(guard.isAllowed("http://[::1]:8080/")).isTrue();
        assertThat(guard.isAllowed("http://fake.internal/")).as("a named host is trusted whatever it resolves to")
                .isTrue();
        assertThat(guard.isAllowed("http://127.0.0.1/")).isFalse();
    }

    @Test
    void allowlistedLoopbackLetsLocalhostThrough() {
        OutboundAddressGuard local = new OutboundAddressGuard(Optional.of("127.0.0.1,::1"));
        assertThat(local.isAllowed("http://localhost:1234/")).isTrue();
    }

    @Test
    void rejectsAMalformedAllowlist() {
        assertThatThrownBy(() -> new OutboundAddressGuard(Optional.of("10.0.0.0/33")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10.0.0.0/33");
        assertThatThrownBy(() -> new OutboundAddressGuard(Optional.of("10.0.0.0/x")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cidrMatchingAtBitBoundaries() throws Exception {
        AddressRange range = AddressRange.parse("172.16.0.0/12");
        assertThat(range.contains(InetAddress.getByName("172.16.0.0"))).isTrue();
        assertThat(range.contains(InetAddress.getByName("172.31.255.255"))).isTrue();
        assertThat(range.contains(InetAddress.getByName("172.32.0.0"))).isFalse();
        assertThat(range.contains(InetAddress.getByName("::1"))).as("families never match").isFalse();
        AddressRange v6 = AddressRange.parse("2001:db8::/33");
        assertThat(v6.contains(InetAddress.getByName("2001:db8:7fff::1"))).isTrue();
        assertThat(v6.contains(InetAddress.getByName("2001:db8:8000::1"))).isFalse();
        assertThat(AddressRange.parse("0.0.0.0/0").contains(InetAddress.getByName("8.8.8.8"))).isTrue();
    }
}
