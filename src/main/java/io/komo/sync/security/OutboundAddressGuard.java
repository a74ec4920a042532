package io.komo.sync.security;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.komo.sync.api.ProblemException;

/**
 * The SSRF guard (API.md § Outbound addresses): integration endpoints and webhook subscriptions may
 * only point at public http(s) addresses. A host is refused when any address it resolves to is
 * loopback, link-local (including cloud metadata at 169.254.169.254), private (10/8, 172.16/12,
 * 192.168/16, fc00::/7), multicast, any-local, 0.0.0.0/8 or shared (100.64/10) — unless
 * {@code komo.outbound.allowlist} ({@code KOMO_OUTBOUND_ALLOWLIST}) names the host or a CIDR block
 * holding the address. Tests and local fakes use the allowlist.
 *
 * <p>Check when an address is configured ({@link #check}, a 400 naming the field) and again before
 * sending ({@link #isAllowed}), since DNS may have changed in between. A host that does not resolve is
 * let through: nothing can be sent to it, and refusing it would make configuration depend on DNS.
 */
@ApplicationScoped
public class OutboundAddressGuard {

    private static final Set<String> SCHEMES = Set.of("http", "https");
    private static final List<AddressRange> ALSO_PRIVATE = List.of(
            AddressRange.parse("fc00::/7"), // IPv6 unique local: Java's isSiteLocalAddress only knows fec0::/10
            AddressRange.parse("0.0.0.0/8"), // "this network": Linux connects 0.x to the local host
            AddressRange.parse("100.64.0.0/10")); // carrier-grade NAT, internal to providers

    private final Set<String> allowedHosts = new TreeSet<>();
    private final List<AddressRange> allowedRanges = new ArrayList<>();

    @Inject
    public OutboundAddressGuard(@ConfigProperty(name = "komo.outbound.allowlist") Optional<String> allowlist) {
        for (String entry : allowlist.orElse("").split(",")) {
            String item = entry.strip();
            if (item.isEmpty()) {
                continue;
            }
            String unbracketed = stripBrackets(item);
            if (AddressRange.looksLikeIpLiteral(unbracketed.split("/", 2)[0])) {
                allowedRanges.add(AddressRange.parse(unbracketed));
            } else {
                allowedHosts.add(item.toLowerCase(Locale.ROOT));
            }
        }
    }

    /** Answers a 400 naming {@code field} when {@code url} may not be called. */
    public void check(String field, String url) {
        refusal(url).ifPresent(reason -> {
            throw ProblemException.invalid(field, reason);
        });
    }

    /** For the sending side: false when {@code url} may not be called now. */
    public boolean isAllowed(String url) {
        return refusal(url).isEmpty();
    }

    /** Why {@code url} may not be called, or empty when it may. */
    public Optional<String> refusal(String url) {
        if (url == null || url.isBlank()) {
            return Optional.of("is required");
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            return Optional.of("is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!SCHEMES.contains(scheme)) {
            return Optional.of("must be an http or https URL");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            return Optional.of("has no host");
        }
        String host = stripBrackets(uri.getHost()).toLowerCase(Locale.ROOT);
        if (allowedHosts.contains(host)) {
            return Optional.empty();
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException unresolvable) {
            return Optional.empty();
        }
        for (InetAddress address : addresses) {
            if (isInternal(address) && allowedRanges.stream().noneMatch(range -> range.contains(address))) {
                return Optional.of("points at an internal address (" + address.getHostAddress()
                        + "); allow it with KOMO_OUTBOUND_ALLOWLIST if that is intended");
            }
        }
        return Optional.empty();
    }

    static boolean isInternal(InetAddress address) {
        return address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress()
                || address.isMulticastAddress() || address.isAnyLocalAddress()
                || ALSO_PRIVATE.stream().anyMatch(range -> range.contains(address));
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
