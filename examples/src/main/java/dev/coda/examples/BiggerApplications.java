package dev.coda.examples;

import dev.coda.ApiRouter;
import dev.coda.Coda;
import dev.coda.Dependency;
import dev.coda.Get;
import dev.coda.Header;
import dev.coda.HttpException;
import dev.coda.Operation;
import dev.coda.Post;
import dev.coda.Put;
import dev.coda.Responds;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * FastAPI's "bigger applications" tutorial ({@code docs_src/bigger_applications}): users, items and admin routes in
 * routers with prefixes, tags, dependencies and responses, and an app-wide query token. The routes return untyped maps,
 * as the tutorial's return dicts without a response model.
 */
public final class BiggerApplications {

    /** The {@code X-Token} header was checked ({@code get_token_header}). */
    public record XToken() {
    }

    /** The {@code token} query parameter was checked ({@code get_query_token}). */
    public record QueryToken() {
    }

    /** The tutorial's {@code dependencies.py}. */
    public static final class Tokens {

        @Dependency
        public static XToken xToken(@Header String xToken) {
            if (!xToken.equals("fake-super-secret-token")) {
                throw new HttpException(400, "X-Token header invalid");
            }
            return new XToken();
        }

        @Dependency
        public static QueryToken queryToken(String token) {
            if (!token.equals("jessica")) {
                throw new HttpException(400, "No Jessica token provided");
            }
            return new QueryToken();
        }
    }

    /** {@code routers/users.py}: no prefix, each route tagged. */
    public static final class Users {

        @Get("/users/")
        @Operation(tags = "users")
        public Object readUsers() {
            return List.of(Map.of("username", "Rick"), Map.of("username", "Morty"));
        }

        @Get("/users/me")
        @Operation(tags = "users")
        public Object readUserMe() {
            return Map.of("username", "fakecurrentuser");
        }

        @Get("/users/{username}")
        @Operation(tags = "users")
        public Object readUser(String username) {
            return Map.of("username", username);
        }
    }

    /** {@code routers/items.py}: the prefix, tag, dependency and 404 come from its router. */
    public static final class Items {

        private static final Map<String, Map<String, String>> ITEMS = new LinkedHashMap<>(Map.of(
                "plumbus", Map.of("name", "Plumbus"), "gun", Map.of("name", "Portal Gun")));

        @Get("/")
        public Object readItems() {
            return ITEMS;
        }

        @Get("/{item_id}")
        public Object readItem(String itemId) {
            var item = ITEMS.get(itemId);
            if (item == null) {
                throw new HttpException(404, "Item not found");
            }
            return Map.of("name", item.get("name"), "item_id", itemId);
        }

        @Put("/{item_id}")
        @Operation(tags = "custom")
        @Responds(status = 403, description = "Operation forbidden")
        public Object updateItem(String itemId) {
            if (!itemId.equals("plumbus")) {
                throw new HttpException(403, "You can only update the item: plumbus");
            }
            return Map.of("item_id", itemId, "name", "The great Plumbus");
        }
    }

    /** {@code internal/admin.py}: a plain router, given its prefix and the rest where the app includes it. */
    public static final class Admin {

        @Post("/")
        public Object updateAdmin() {
            return Map.of("message", "Admin getting schwifty");
        }
    }

    /** {@code main.py}'s root. */
    public static final class Root {

        @Get("/")
        public Object root() {
            return Map.of("message", "Hello Bigger Applications!");
        }
    }

    /** The application. */
    public static Coda app() {
        var items = ApiRouter.prefix("/items").tags("items").requires(XToken.class).responds(404, "Not found")
                .routes(new Items());
        var admin = ApiRouter.prefix("").routes(new Admin());
        return Coda.app()
                .dependencies(Tokens.class)
                .requires(QueryToken.class)
                .routes(new Users())
                .include(items)
                .include(ApiRouter.prefix("/admin").tags("admin").requires(XToken.class).responds(418, "I'm a teapot").include(admin))
                .routes(new Root())
                .build();
    }

    public static void main(String[] args) {
        app().run();
    }
}
