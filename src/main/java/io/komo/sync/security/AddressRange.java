package io.komo.sync.security;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** A CIDR block, IPv4 or IPv6 ({@code 10.0.0.0/8}, {@code fc00::/7}); a bare address is a block of one. */
record AddressRange(byte[] network, int prefixLength) {

    /** @throws IllegalArgumentException when {@code cidr} is not an IP literal with an optional valid prefix */
    static AddressRange parse(String cidr) {
        String text = cidr.strip();
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        if (!looksLikeIpLiteral(address)) {
            throw new IllegalArgumentException("'" + cidr + "' is not an IP address or CIDR block");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(address).getAddress(); // a literal: no DNS lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + cidr + "' is not an IP address or CIDR block");
        }
        int maxPrefix = bytes.length * 8;
        int prefix;
        try {
            prefix = slash < 0 ? maxPrefix : Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + cidr + "' has an invalid prefix length");
        }
        if (prefix < 0 || prefix > maxPrefix) {
            throw new IllegalArgumentException("'" + cidr + "' has a prefix length outside 0.." + maxPrefix);
        }
        return new AddressRange(bytes, prefix);
    }

    /** IPv4 dotted digits, or anything with a colon (IPv6); never a host name, which would need DNS. */
    static boolean looksLikeIpLiteral(String text) {
        return !text.isEmpty() && (text.contains(":") || text.chars().allMatch(c -> Character.isDigit(c) || c == '.'));
    }

    boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        if (candidate.length != network.length) {
            return false;
        }
        int fullBytes = prefixLength / 8;
        for (int i = 0; i < fullBytes; i++) {
            if (candidate[i] != network[i]) {
                return false;
            }
        }
        int remainingBits = prefixLength % 8;
        if (remainingBits == 0) {
            return true;
        }
        int mask = (0xFF << (8 - remainingBits)) & 0xFF;
        return (candidate[fullBytes] & mask) == (network[fullBytes] & mask);
    }
}
