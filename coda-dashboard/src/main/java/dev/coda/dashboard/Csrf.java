package dev.coda.dashboard;

import dev.coda.HttpException;
import dev.coda.Request;
import dev.coda.Response;
import dev.coda.SetCookie;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * CSRF protection of the actions: a signed double submit. The browser holds a token in a {@code SameSite=Strict},
 * {@code HttpOnly} cookie; every form carries the same token in a hidden field; a POST passes only when both are there,
 * equal, and signed with this dashboard's key (so a token planted from a sibling subdomain is refused too). The key is
 * random in each process unless one is given ({@code csrfKey}, {@code CODA_DASHBOARD_CSRF_KEY}) for processes behind one
 * balancer.
 */
final class Csrf {

    static final String COOKIE = "coda_dashboard_csrf";
    static final String FIELD = "csrf";

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private final SecureRandom random = new SecureRandom();
    private final byte[] key;

    Csrf(byte[] key) {
        this.key = key.clone();
    }

    /** The environment variable of a key shared by several processes, when the builder sets none. */
    static final String KEY_VARIABLE = "CODA_DASHBOARD_CSRF_KEY";
    /** A key is a secret of at least this many characters. */
    static final int MIN_KEY_LENGTH = 32;

    /** Signs with {@code secret}, checked by {@link #checkKey}: every process given it accepts the others' tokens. */
    static Csrf withKey(String secret) {
        return new Csrf(checkKey(secret, "the CSRF key").getBytes(StandardCharsets.UTF_8));
    }

    /** {@code secret} if it is long enough; {@code what} names it in the error (never the secret itself). */
    static String checkKey(String secret, String what) {
        if (secret == null || secret.strip().length() < MIN_KEY_LENGTH) {
            throw new IllegalArgumentException(what + " must be a secret of at least " + MIN_KEY_LENGTH + " characters");
        }
        return secret.strip();
    }

    /** The key of {@link #KEY_VARIABLE} in {@code environment} if set, else a random one. */
    static Csrf fromEnvironment(java.util.Map<String, String> environment) {
        var secret = environment.get(KEY_VARIABLE);
        return secret == null || secret.isBlank() ? withRandomKey() : withKey(checkKey(secret, KEY_VARIABLE));
    }

    /** A dashboard with a key of its own, new in each process: tokens of an earlier process are replaced. */
    static Csrf withRandomKey() {
        var key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new Csrf(key);
    }

    /** The request's token if it carries a valid one, else a new one (which {@link #remember} then sets). */
    String tokenFor(Request request) {
        return request.cookie(COOKIE).filter(this::valid).orElseGet(this::newToken);
    }

    /** The page's response, setting the token's cookie when the request did not carry it. */
    Response remember(Request request, String token, Response response) {
        if (request.cookie(COOKIE).filter(token::equals).isPresent()) {
            return response;
        }
        var path = request.rootPath().isEmpty() ? "/" : request.rootPath();
        return response.cookie(SetCookie.of(COOKIE, token).path(path).httpOnly(true).sameSite(SetCookie.SameSite.STRICT));
    }

    /** Refuses with {@code 403} an action whose form token is missing, differs from the cookie's, or is not ours. */
    void check(Request request, String formToken) {
        var cookie = request.cookie(COOKIE).orElse(null);
        if (cookie == null || formToken == null || !valid(cookie)
                || !MessageDigest.isEqual(cookie.getBytes(StandardCharsets.US_ASCII), formToken.getBytes(StandardCharsets.US_ASCII))) {
            throw new HttpException(403, "CSRF token missing or wrong: reload the page and try again");
        }
    }

    private String newToken() {
        var nonce = new byte[18];
        random.nextBytes(nonce);
        var text = B64.encodeToString(nonce);
        return text + "." + sign(text);
    }

    boolean valid(String token) {
        int dot = token.indexOf('.');
        return dot > 0 && MessageDigest.isEqual(sign(token.substring(0, dot)).getBytes(StandardCharsets.US_ASCII),
                token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII));
    }

    private String sign(String nonce) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return B64.encodeToString(mac.doFinal(nonce.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }
}
