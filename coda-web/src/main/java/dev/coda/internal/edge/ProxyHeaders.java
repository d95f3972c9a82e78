package dev.coda.internal.edge;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.HostPort;
import org.eclipse.jetty.util.InetAddressSet;

/**
 * Forwarded headers honoured only from trusted proxies, as uvicorn's {@code --proxy-headers --forwarded-allow-ips}:
 * when the peer is one of {@code trusted} (addresses and CIDR networks, or {@code *}), the request's client address,
 * scheme and host become those of RFC 7239 {@code Forwarded}, or else of {@code X-Forwarded-For}, {@code -Proto},
 * {@code -Host} and {@code -Port}. The client is the right-most hop that is not a trusted proxy. From any other peer
 * the headers change nothing; a malformed value is ignored, never an error.
 *
 * @param trusted the proxies' addresses or networks ({@code 10.0.0.0/8}, {@code ::1}), or {@code *} for every peer
 */
public record ProxyHeaders(List<String> trusted) {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    public ProxyHeaders {
        trusted = List.copyOf(trusted);
        for (var entry : trusted) {
            if (!entry.equals("*") && !validPattern(entry)) {
                throw new IllegalArgumentException("a trusted proxy is an IP address or a CIDR network (10.0.0.0/8), or *: " + entry);
            }
        }
    }

    Handler wrap(Handler next) {
        var set = new InetAddressSet();
        trusted.stream().filter(entry -> !entry.equals("*")).forEach(set::add);
        return new Honour(next, trusted.contains("*"), set);
    }

    private static boolean validPattern(String entry) {
        int slash = entry.indexOf('/');
        if (slash < 0) {
            return literal(entry) != null;
        }
        var address = literal(entry.substring(0, slash));
        try {
            int bits = Integer.parseInt(entry.substring(slash + 1));
            return address != null && bits >= 0 && bits <= address.getAddress().length * 8;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** An IP address written as one (IPv6 possibly in brackets), or {@code null}: never a DNS lookup. */
    static InetAddress literal(String text) {
        var s = text.strip();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        var v4 = IPV4.matcher(s);
        if (v4.matches()) {
            for (int i = 1; i <= 4; i++) {
                if (Integer.parseInt(v4.group(i)) > 255) {
                    return null;
                }
            }
        } else if (!IPV6.matcher(s).matches()) {
            return null;        // a name, "unknown" or an obfuscated identifier: not an address
        }
        try {
            return InetAddress.getByName(s);            // a literal: parsed, not looked up
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** What a trusted proxy says of the request; {@code null} parts leave the request's own. */
    record Forwarding(InetSocketAddress client, String scheme, String host, int port) {
        boolean isEmpty() {
            return client == null && scheme == null && host == null;
        }
    }

    private static final class Honour extends Handler.Wrapper {
        private final boolean trustAll;
        private final InetAddressSet trusted;

        Honour(Handler next, boolean trustAll, InetAddressSet trusted) {
            super(next);
            this.trustAll = trustAll;
            this.trusted = trusted;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            var peer = request.getConnectionMetaData().getRemoteSocketAddress();
            // "*" trusts any peer, an in-process connector's too (the test client's)
            if (!trustAll && !(peer instanceof InetSocketAddress address && trusted(address.getAddress()))) {
                return super.handle(request, response, callback);
            }
            var headers = request.getHeaders();
            var forwarded = headers.getValuesList("Forwarded");
            var seen = forwarded.isEmpty() ? xForwarded(headers) : forwarded(String.join(",", forwarded));
            return super.handle(seen == null || seen.isEmpty() ? request : new Forwarded(request, seen), response, callback);
        }

        private boolean trusted(InetAddress address) {
            return trustAll || address != null && trusted.test(address);
        }

        /** uvicorn's rule: each proxy appends, so the client is the right-most hop that is not a trusted proxy. */
        private int clientHop(List<String> hops) {
            if (trustAll) {
                return 0;
            }
            for (int i = hops.size() - 1; i >= 0; i--) {
                if (!trusted(literal(address(hops.get(i))))) {
                    return i;
                }
            }
            return 0;       // every hop a trusted proxy: the first is the client
        }

        private Forwarding xForwarded(org.eclipse.jetty.http.HttpFields headers) {
            InetSocketAddress client = null;
            var forwardedFor = headers.getValuesList("X-Forwarded-For");
            if (!forwardedFor.isEmpty()) {
                var hops = split(String.join(",", forwardedFor), ',');
                client = hops.isEmpty() ? null : socketAddress(hops.get(clientHop(hops)));
            }
            var scheme = scheme(first(headers.get("X-Forwarded-Proto")));
            var host = hostPort(first(headers.get("X-Forwarded-Host")));
            int port = host == null ? -1 : host.getPort();
            var forwardedPort = first(headers.get("X-Forwarded-Port"));
            if (forwardedPort != null && forwardedPort.matches("\\d{1,5}") && Integer.parseInt(forwardedPort) <= 65535) {
                port = Integer.parseInt(forwardedPort);
            }
            return new Forwarding(client, scheme, host == null ? null : host.getHost(), port);
        }

        /** RFC 7239: the element of the client's hop gives the client, and the scheme and host it asked for. */
        private Forwarding forwarded(String value) {
            var elements = new ArrayList<java.util.Map<String, String>>();
            for (var element : split(value, ',')) {
                var pairs = new java.util.HashMap<String, String>();
                for (var pair : split(element, ';')) {
                    int eq = pair.indexOf('=');
                    if (eq <= 0) {
                        return null;            // malformed: the whole header is ignored
                    }
                    pairs.put(pair.substring(0, eq).strip().toLowerCase(Locale.ROOT), unquote(pair.substring(eq + 1).strip()));
                }
                elements.add(pairs);
            }
            if (elements.isEmpty()) {
                return null;
            }
            var hops = elements.stream().map(e -> e.getOrDefault("for", "")).toList();
            var chosen = elements.get(clientHop(hops));
            var host = hostPort(chosen.get("host"));
            return new Forwarding(socketAddress(chosen.getOrDefault("for", "")), scheme(chosen.get("proto")),
                    host == null ? null : host.getHost(), host == null ? -1 : host.getPort());
        }
    }

    /** The host a trusted proxy forwarded for {@code request}, or {@code null} when none did. */
    static String forwardedHost(Request request) {
        var forwarded = Request.as(request, Forwarded.class);
        return forwarded == null ? null : forwarded.host;
    }

    /** A request as the trusted proxy says it was made. */
    private static final class Forwarded extends Request.Wrapper {
        private final String host;
        private final HttpURI uri;
        private final boolean secure;
        private final ConnectionMetaData connection;

        Forwarded(Request request, Forwarding seen) {
            super(request);
            this.host = seen.host();
            var original = request.getHttpURI();
            var builder = HttpURI.build(original);
            if (seen.scheme() != null) {
                builder.scheme(seen.scheme());
            }
            if (seen.host() != null) {
                builder.host(seen.host()).port(seen.port());
            } else if (seen.port() > 0) {
                builder.port(seen.port());
            }
            this.uri = builder.asImmutable();
            this.secure = seen.scheme() != null ? seen.scheme().equals("https") : request.isSecure();
            var client = seen.client();
            this.connection = new ConnectionMetaData.Wrapper(request.getConnectionMetaData()) {
                @Override
                public SocketAddress getRemoteSocketAddress() {
                    return client != null ? client : super.getRemoteSocketAddress();
                }

                @Override
                public boolean isSecure() {
                    return secure;
                }
            };
        }

        @Override
        public HttpURI getHttpURI() {
            return uri;
        }

        @Override
        public boolean isSecure() {
            return secure;
        }

        @Override
        public ConnectionMetaData getConnectionMetaData() {
            return connection;
        }
    }

    /** {@code http}/{@code https} ({@code ws}/{@code wss} taken as them), or {@code null}. */
    private static String scheme(String value) {
        if (value == null) {
            return null;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "http", "ws" -> "http";
            case "https", "wss" -> "https";
            default -> null;
        };
    }

    /** A host with an optional port, or {@code null} when it is not one. */
    private static HostPort hostPort(String value) {
        if (value == null || value.isBlank() || !value.strip().matches("[A-Za-z0-9._\\-]+(:\\d{1,5})?|\\[[0-9A-Fa-f:.]+](:\\d{1,5})?")) {
            return null;
        }
        try {
            var hostPort = new HostPort(value.strip());
            return hostPort.getPort() > 65535 ? null : hostPort;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The address part of a hop ({@code 1.2.3.4}, {@code 1.2.3.4:80}, {@code [::1]:80}, {@code ::1}). */
    private static String address(String hop) {
        var s = hop.strip();
        if (s.startsWith("[")) {
            int end = s.indexOf(']');
            return end < 0 ? s : s.substring(1, end);
        }
        int colon = s.indexOf(':');
        return colon >= 0 && colon == s.lastIndexOf(':') ? s.substring(0, colon) : s;
    }

    /** A hop as a client address (its port, if it has one, else 0 as uvicorn), or {@code null} when it is no address. */
    private static InetSocketAddress socketAddress(String hop) {
        var address = literal(address(hop));
        if (address == null) {
            return null;
        }
        var s = hop.strip();
        int colon = s.lastIndexOf(':');
        var port = s.startsWith("[") ? (s.indexOf("]:") > 0 ? s.substring(s.indexOf("]:") + 2) : "")
                : colon >= 0 && colon == s.indexOf(':') ? s.substring(colon + 1) : "";
        int number = port.matches("\\d{1,5}") ? Integer.parseInt(port) : 0;
        return new InetSocketAddress(address, number <= 65535 ? number : 0);
    }

    private static String first(String value) {
        if (value == null) {
            return null;
        }
        int comma = value.indexOf(',');
        return (comma < 0 ? value : value.substring(0, comma)).strip();
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1) : value;
    }

    /** {@code value} split at {@code separator} outside double quotes, each part stripped, empty ones dropped. */
    private static List<String> split(String value, char separator) {
        var parts = new ArrayList<String>();
        var part = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == separator && !quoted) {
                parts.add(part.toString().strip());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        parts.add(part.toString().strip());
        parts.removeIf(String::isEmpty);
        return parts;
    }
}
