package dev.coda;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A cookie for the client to store, as Starlette's {@code response.set_cookie(...)}: add it to a response with
 * {@link Response#cookie(SetCookie)}. Immutable; every method returns a new one. The defaults are Starlette's:
 * {@code Path=/} and {@code SameSite=Lax}, neither {@code Secure} nor {@code HttpOnly}, a session cookie (no
 * {@code Max-Age}, no {@code Expires}).
 *
 * <pre>{@code
 * return Response.ok(Map.of("user", name))
 *         .cookie(SetCookie.of("session", token).maxAge(Duration.ofHours(8)).httpOnly(true).secure(true))
 *         .cookie(SetCookie.of("theme", "dark").sameSite(SetCookie.SameSite.STRICT));
 * }</pre>
 */
public final class SetCookie {

    /** The {@code SameSite} attribute: when the browser sends the cookie with requests from other sites. */
    public enum SameSite {
        /** Only with requests from the same site. */
        STRICT,
        /** Also with top-level navigations from other sites (the browsers' default). */
        LAX,
        /** With every request; browsers require {@code Secure} with it. */
        NONE
    }

    private final String name;
    private final String value;
    private final Duration maxAge;
    private final Instant expires;
    private final String path;
    private final String domain;
    private final boolean secure;
    private final boolean httpOnly;
    private final SameSite sameSite;
    private final boolean partitioned;

    private SetCookie(String name, String value, Duration maxAge, Instant expires, String path, String domain,
                      boolean secure, boolean httpOnly, SameSite sameSite, boolean partitioned) {
        this.name = name;
        this.value = value;
        this.maxAge = maxAge;
        this.expires = expires;
        this.path = path;
        this.domain = domain;
        this.secure = secure;
        this.httpOnly = httpOnly;
        this.sameSite = sameSite;
        this.partitioned = partitioned;
    }

    /** A session cookie {@code name=value} with {@code Path=/} and {@code SameSite=Lax}. */
    public static SetCookie of(String name, String value) {
        if (Objects.requireNonNull(name, "name").isEmpty()) {
            throw new IllegalArgumentException("a cookie needs a name");
        }
        return new SetCookie(name, Objects.requireNonNull(value, "value"), null, null, "/", null, false, false, SameSite.LAX, false);
    }

    /** {@code Max-Age}: how long the browser keeps the cookie, in whole seconds (zero deletes it). */
    public SetCookie maxAge(Duration age) {
        if (Objects.requireNonNull(age, "age").isNegative()) {
            throw new IllegalArgumentException("maxAge must not be negative: " + age);
        }
        return new SetCookie(name, value, age, expires, path, domain, secure, httpOnly, sameSite, partitioned);
    }

    /** {@code Expires}: when the browser drops the cookie; with a {@link #maxAge} too, the one derived from it is sent. */
    public SetCookie expires(Instant instant) {
        return new SetCookie(name, value, maxAge, Objects.requireNonNull(instant, "instant"), path, domain, secure, httpOnly,
                sameSite, partitioned);
    }

    /** {@code Path}: the paths it is sent with; {@code null} leaves the attribute out. */
    public SetCookie path(String newPath) {
        return new SetCookie(name, value, maxAge, expires, newPath, domain, secure, httpOnly, sameSite, partitioned);
    }

    /** {@code Domain}: the hosts it is sent to, subdomains included; without it, only the host that set it. */
    public SetCookie domain(String newDomain) {
        return new SetCookie(name, value, maxAge, expires, path, newDomain, secure, httpOnly, sameSite, partitioned);
    }

    /** {@code Secure}: sent over HTTPS only. */
    public SetCookie secure(boolean on) {
        return new SetCookie(name, value, maxAge, expires, path, domain, on, httpOnly, sameSite, partitioned);
    }

    /** {@code HttpOnly}: hidden from the page's scripts. */
    public SetCookie httpOnly(boolean on) {
        return new SetCookie(name, value, maxAge, expires, path, domain, secure, on, sameSite, partitioned);
    }

    /** {@code SameSite}; {@code null} leaves the attribute out. */
    public SetCookie sameSite(SameSite policy) {
        return new SetCookie(name, value, maxAge, expires, path, domain, secure, httpOnly, policy, partitioned);
    }

    /** {@code Partitioned} (CHIPS): stored apart for each top-level site; browsers require {@code Secure} with it. */
    public SetCookie partitioned(boolean on) {
        return new SetCookie(name, value, maxAge, expires, path, domain, secure, httpOnly, sameSite, on);
    }

    public String name() {
        return name;
    }

    public String value() {
        return value;
    }

    /** {@code null} when not given. */
    public Duration maxAge() {
        return maxAge;
    }

    /** {@code null} when not given. */
    public Instant expires() {
        return expires;
    }

    /** {@code null} when left out. */
    public String path() {
        return path;
    }

    /** {@code null} when not given. */
    public String domain() {
        return domain;
    }

    public boolean secure() {
        return secure;
    }

    public boolean httpOnly() {
        return httpOnly;
    }

    /** {@code null} when left out. */
    public SameSite sameSite() {
        return sameSite;
    }

    public boolean partitioned() {
        return partitioned;
    }

    @Override
    public String toString() {
        return "SetCookie[" + name + "]";
    }
}
