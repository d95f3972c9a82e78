package dev.coda.security;

import dev.coda.Default;
import dev.coda.Form;
import java.util.Arrays;
import java.util.List;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import jakarta.validation.constraints.Pattern;

/**
 * The form of OAuth2's password flow, FastAPI's {@code OAuth2PasswordRequestForm}: a path operation takes it with
 * {@code @Depends} and reads {@code username}, {@code password} and the requested {@link #scopes()}; {@code grant_type},
 * when sent, must be {@code password} (422 otherwise, as in FastAPI).
 *
 * <pre>{@code
 * @Post("/token")
 * public Token login(@Depends OAuth2PasswordRequestForm form) {
 *     var user = users.authenticate(form.username(), form.password());
 *     if (user == null) throw new HttpException(400, "Incorrect username or password");
 *     return new Token(tokens.issue(user, form.scopes()), "bearer");
 * }
 * }</pre>
 *
 * @param grantType {@code grant_type}: {@code password}, or {@code null} when not sent
 * @param scope the requested scopes separated by spaces, empty by default
 */
public record OAuth2PasswordRequestForm(
        @Form("grant_type") @Nullable @Pattern(regexp = "^password$") String grantType,
        @Form String username,
        @Form String password,
        @Form @Default("") String scope,
        @Form("client_id") @Nullable String clientId,
        @Form("client_secret") @Nullable String clientSecret) {

    /** Marks the fields that may be absent (Coda takes any annotation of this name). */
    @Retention(RetentionPolicy.RUNTIME)
    @interface Nullable {
    }

    /** The requested scopes: {@code scope} split at whitespace. */
    public List<String> scopes() {
        return scope.isBlank() ? List.of() : Arrays.asList(scope.strip().split("\\s+"));
    }

    /** Leaves the password and client secret out, so that a log line does not leak them. */
    @Override
    public String toString() {
        return "OAuth2PasswordRequestForm[username=" + username + ", scope=" + scope + "]";
    }
}
