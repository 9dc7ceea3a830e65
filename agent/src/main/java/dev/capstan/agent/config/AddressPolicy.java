package dev.capstan.agent.config;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Where a declared check (its URL comes from git) may send a request. Refused by default: loopback and the agent's
 * own interface addresses (its own API), link-local (cloud metadata at 169.254.169.254 among them), the other known
 * metadata addresses, unspecified and multicast addresses. The agent config's {@code checks.allow} opens what an
 * operator wants: CIDR ranges ({@code 127.0.0.0/8}) or exact host names. Every address a name resolves to must
 * pass. Blocking (DNS).
 */
public final class AddressPolicy {
    private static final List<String> METADATA = List.of("fd00:ec2:0:0:0:0:0:254", "100.100.100.200");

    private final List<Cidr> allowedNetworks;
    private final Set<String> allowedHosts;

    private record Cidr(BigInteger network, int bits, int length) {
        boolean contains(InetAddress address) {
            byte[] raw = address.getAddress();
            if (raw.length * 8 != length) {
                return false;
            }
            BigInteger value = new BigInteger(1, raw);
            return value.shiftRight(length - bits).equals(network.shiftRight(length - bits));
        }
    }

    private AddressPolicy(List<Cidr> allowedNetworks, Set<String> allowedHosts) {
        this.allowedNetworks = List.copyOf(allowedNetworks);
        this.allowedHosts = Set.copyOf(allowedHosts);
    }

    /** Nothing inward allowed. */
    public static AddressPolicy defaults() {
        return new AddressPolicy(List.of(), Set.of());
    }

    /** {@code allow}: CIDR ranges and host names; throws IllegalArgumentException naming a bad entry. */
    public static AddressPolicy allowing(List<String> allow) {
        List<Cidr> networks = new ArrayList<>();
        Set<String> hosts = new HashSet<>();
        for (String entry : allow) {
            String text = entry.strip();
            if (text.contains("/")) {
                networks.add(cidr(text));
            } else if (!text.isEmpty()) {
                hosts.add(text.toLowerCase(Locale.ROOT));
            }
        }
        return new AddressPolicy(networks, hosts);
    }

    /** Empty when {@code host} may be asked; else why not (names the host and the kind of address, never a body). */
    public Optional<String> refusal(String host) {
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (allowedHosts.contains(name.toLowerCase(Locale.ROOT))) {
            return Optional.empty();
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(name);
        } catch (UnknownHostException e) {
            return Optional.of("host " + host + " does not resolve");
        }
        Set<InetAddress> own = ownAddresses();
        for (InetAddress address : addresses) {
            if (allowedNetworks.stream().anyMatch(n -> n.contains(address))) {
                continue;
            }
            Optional<String> kind = inward(address, own);
            if (kind.isPresent()) {
                return Optional.of("host " + host + " is " + kind.get() + " (" + address.getHostAddress()
                        + "); checks may not reach it unless the agent config's checks.allow lists it");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> inward(InetAddress address, Set<InetAddress> own) {
        if (address.isLoopbackAddress()) {
            return Optional.of("a loopback address");
        }
        if (address.isLinkLocalAddress()) {
            return Optional.of("a link-local address (cloud metadata lives there)");
        }
        if (METADATA.contains(address.getHostAddress())) {
            return Optional.of("a cloud metadata address");
        }
        if (address.isAnyLocalAddress()) {
            return Optional.of("the unspecified address");
        }
        if (address.isMulticastAddress()) {
            return Optional.of("a multicast address");
        }
        if (own.contains(address)) {
            return Optional.of("one of the agent's own addresses");
        }
        return Optional.empty();
    }

    private static Set<InetAddress> ownAddresses() {
        Set<InetAddress> own = new HashSet<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                own.addAll(Collections.list(nic.getInetAddresses()));
            }
        } catch (SocketException e) {
            // No interface list: loopback and link-local are still refused by kind.
        }
        return own;
    }

    private static Cidr cidr(String text) {
        int slash = text.indexOf('/');
        String address = text.substring(0, slash);
        if (!address.matches("[0-9a-fA-F:.]+")) {
            // A name here would make parsing the config resolve DNS.
            throw new IllegalArgumentException("'" + text + "' is not a CIDR range like 10.0.0.0/8");
        }
        try {
            InetAddress network = InetAddress.getByName(address);
            int length = network.getAddress().length * 8;
            int bits = Integer.parseInt(text.substring(slash + 1));
            if (bits < 0 || bits > length) {
                throw new IllegalArgumentException("'" + text + "': prefix length must be 0.." + length);
            }
            return new Cidr(new BigInteger(1, network.getAddress()), bits, length);
        } catch (UnknownHostException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR range like 10.0.0.0/8");
        }
    }
}
