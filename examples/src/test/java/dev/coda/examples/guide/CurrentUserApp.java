package dev.coda.examples.guide;

import dev.coda.Coda;
import dev.coda.Dependency;
import dev.coda.Depends;
import dev.coda.Get;
import dev.coda.HttpException;
import dev.coda.Post;
import dev.coda.security.OAuth2PasswordBearer;
import dev.coda.security.OAuth2PasswordRequestForm;
import dev.coda.security.Security;
import dev.coda.security.SecurityScopes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * docs/security.md's app: FastAPI's "OAuth2 scopes" tutorial (docs_src/security/tutorial005) with BCrypt password
 * hashes (Spring Security Crypto) and signed JWTs ({@link Tokens}, Nimbus JOSE + JWT).
 *
 * <pre>{@code
 * Coda app = CurrentUserApp.app(new Tokens(secret, Duration.ofMinutes(30), Clock.systemUTC()));
 * }</pre>
 */
public final class CurrentUserApp {

    /** A user as the API shows it. */
    public record User(String username, String email, String fullName, boolean disabled) {
    }

    /** A stored user: the public part and the password hash, never the password. */
    record UserInDb(User user, String hashedPassword) {
    }

    /** The answer of {@code POST /token}. */
    public record Token(String access_token, String token_type) {
    }

    /** An item of the current user. */
    public record Item(String item_id, String owner) {
    }

    private final PasswordEncoder passwords = new BCryptPasswordEncoder();
    private final Map<String, UserInDb> users = new LinkedHashMap<>();
    private final String dummyHash;
    private final Tokens tokens;

    CurrentUserApp(Tokens tokens) {
        this.tokens = tokens;
        this.dummyHash = passwords.encode("a password nobody has");
        users.put("johndoe", new UserInDb(new User("johndoe", "johndoe@example.com", "John Doe", false), passwords.encode("secret")));
        users.put("alice", new UserInDb(new User("alice", "alice@example.com", "Alice Wonderson", true), passwords.encode("secret2")));
    }

    /** The app, with the token scheme FastAPI's tutorial declares. */
    public static Coda app(Tokens tokens) {
        var scopes = new LinkedHashMap<String, String>();
        scopes.put("me", "Read information about the current user.");
        scopes.put("items", "Read items.");
        return Coda.app()
                .dependencies(new OAuth2PasswordBearer("token", scopes))
                .routes(new CurrentUserApp(tokens))
                .build();
    }

    /** The user whose password matches, or {@code null}; an unknown name costs a hash check too, so timing tells nothing. */
    UserInDb authenticate(String username, String password) {
        var user = users.get(username);
        if (user == null) {
            passwords.matches(password, dummyHash);
            return null;
        }
        return passwords.matches(password, user.hashedPassword()) ? user : null;
    }

    @Post("/token")
    public Token login(@Depends OAuth2PasswordRequestForm form) {
        var user = authenticate(form.username(), form.password());
        if (user == null) {
            throw new HttpException(400, "Incorrect username or password");
        }
        return new Token(tokens.issue(user.user().username(), form.scopes()), "bearer");
    }

    @Dependency
    public User currentUser(SecurityScopes required, @Depends("token") String token) {
        var unauthorized = new HttpException(401, "Could not validate credentials", Map.of("WWW-Authenticate", required.challenge()));
        Tokens.Claims claims;
        try {
            claims = tokens.verify(token);
        } catch (Tokens.Invalid e) {
            throw unauthorized;
        }
        var user = users.get(claims.username());
        if (user == null) {
            throw unauthorized;
        }
        for (var scope : required.scopes()) {
            if (!claims.scopes().contains(scope)) {
                throw new HttpException(401, "Not enough permissions", Map.of("WWW-Authenticate", required.challenge()));
            }
        }
        return user.user();
    }

    /** The current user, if not disabled; returns a distinct type so that routes can ask for "active" by type. */
    public record ActiveUser(User user) {
    }

    @Dependency
    public ActiveUser currentActiveUser(@Security(value = "currentUser", scopes = "me") User user) {
        if (user.disabled()) {
            throw new HttpException(400, "Inactive user");
        }
        return new ActiveUser(user);
    }

    @Get("/users/me/")
    public User readUsersMe(ActiveUser current) {
        return current.user();
    }

    @Get("/users/me/items/")
    public List<Item> readOwnItems(@Security(value = "currentActiveUser", scopes = "items") ActiveUser current) {
        return List.of(new Item("Foo", current.user().username()));
    }

    @Get("/status/")
    public Map<String, String> readSystemStatus(User user) {
        return Map.of("status", "ok");
    }
}
