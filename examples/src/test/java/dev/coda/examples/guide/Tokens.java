package dev.coda.examples.guide;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Signed access tokens (JWT, HS256) with Nimbus JOSE + JWT: docs/security.md's {@code create_access_token} and its
 * verification, which checks the signature, the algorithm and the expiry (the library's processor does all three).
 *
 * <pre>{@code
 * var tokens = new Tokens(secret, Duration.ofMinutes(30), Clock.systemUTC());
 * String jwt = tokens.issue("johndoe", List.of("me"));
 * Tokens.Claims claims = tokens.verify(jwt);      // throws Tokens.Invalid for a bad, forged or expired token
 * }</pre>
 */
public final class Tokens {

    /** What a valid token says: who, and which scopes were granted. */
    public record Claims(String username, List<String> scopes) {
    }

    /** A token that is malformed, not signed with our key, or expired. */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(Exception cause) {
            super(cause.getMessage(), cause);
        }
    }

    private final MACSigner signer;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final Duration lifetime;
    private final Clock clock;

    /** @param secret at least 32 random bytes (HS256's key), from configuration, never from the source code */
    public Tokens(byte[] secret, Duration lifetime, Clock clock) {
        try {
            this.signer = new MACSigner(secret);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("the token secret must be at least 256 bits: " + e.getMessage(), e);
        }
        this.lifetime = lifetime;
        this.clock = clock;
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableSecret<>(secret)));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(null, Set.of("sub", "exp")));
    }

    /** A token for {@code username} with the granted scopes, valid for the lifetime. */
    public String issue(String username, List<String> scopes) {
        var claims = new JWTClaimsSet.Builder()
                .subject(username)
                .claim("scopes", scopes)
                .expirationTime(Date.from(clock.instant().plus(lifetime)))
                .build();
        var jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /** The claims of a valid token. */
    public Claims verify(String token) throws Invalid {
        try {
            var claims = processor.process(token, null);
            var scopes = claims.getStringListClaim("scopes");
            return new Claims(claims.getSubject(), scopes == null ? List.of() : scopes);
        } catch (ParseException | BadJOSEException | JOSEException e) {
            throw new Invalid(e);
        }
    }
}
