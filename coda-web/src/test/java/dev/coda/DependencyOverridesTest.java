package dev.coda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.testing.TestClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** {@code Coda.overriding}: FastAPI's {@code app.dependency_overrides} for a test client. */
class DependencyOverridesTest {

    record CurrentUser(String name) {
    }

    record Greeting(String text) {
    }

    record Audited() {
    }

    /** A resource the tests never want to open. */
    record Database(String name) {
        static Database connect() {
            throw new IllegalStateException("no database in tests");
        }
    }

    static final List<String> AUDIT = new CopyOnWriteArrayList<>();

    public static final class Security {
        @Dependency
        public static CurrentUser currentUser(@Header String authorization) {
            return new CurrentUser(authorization.substring("Bearer ".length()));
        }

        @Dependency
        public static Greeting greeting(CurrentUser user) {
            return new Greeting("hello " + user.name());
        }

        @Dependency
        public static String motd() {
            return "the real message";
        }

        @Dependency
        public static Audited audited(CurrentUser user) {
            AUDIT.add(user.name());
            return new Audited();
        }
    }

    public static final class Users {
        @Get("/me")
        public Map<String, String> me(CurrentUser user, Greeting greeting, @Depends("motd") String motd) {
            return Map.of("name", user.name(), "greeting", greeting.text(), "motd", motd);
        }
    }

    public static final class Admin {
        @Get("/db")
        public String db(Database database) {
            return database.name();
        }
    }

    private static Coda app() {
        return app(() -> new Database("real"));
    }

    private static Coda app(java.util.concurrent.Callable<Database> database) {
        return Coda.app().port(0).dependencies(Security.class).routes(new Users())
                .include(ApiRouter.prefix("/admin").requires(Audited.class).routes(new Admin()))
                .resource(Database.class, database)
                .build();
    }

    public static final class FakeUsers {
        @Dependency
        public CurrentUser currentUser(@Default("alice") String as) {
            return new CurrentUser(as);
        }

        @Dependency
        public String motd() {
            return "a test message";
        }
    }

    @Test
    void anOverrideReplacesTheProviderForRoutesNestedDependenciesAndNamedUses() {
        var app = app();
        try (var client = TestClient.of(app.overriding(new FakeUsers()))) {
            assertThat(client.get("/me").json()).isEqualTo(Map.of("name", "alice", "greeting", "hello alice", "motd", "a test message"));
            assertThat(client.get("/me?as=bob").json(Map.class)).containsEntry("greeting", "hello bob");   // its own parameter
        }
        try (var client = TestClient.of(app.overriding())) {
            var response = client.get("/me");
            assertThat(response.status()).as("the original app still reads the header").isEqualTo(422);
            assertThat(response.text()).contains("[\"header\",\"authorization\"]");
            var real = client.request("GET", "/me").header("Authorization", "Bearer carol").send();
            assertThat(real.json()).isEqualTo(Map.of("name", "carol", "greeting", "hello carol", "motd", "the real message"));
        }
    }

    @Test
    void theOverridesParametersAreDocumentedInsteadOfTheOriginals() throws Exception {
        var document = new com.fasterxml.jackson.databind.ObjectMapper().readTree(app().overriding(new FakeUsers()).openapi());
        var parameters = document.at("/paths/~1me/get/parameters");

        assertThat(parameters.findValuesAsText("name")).containsExactly("as");
    }

    @Test
    void anOverrideOfAnAppScopedResourceReplacesItSoThatItsFactoryNeverRunsAndRequiredDependenciesAreOverriddenToo() {
        AUDIT.clear();
        final class Fakes {
            @Dependency
            public Database database() {
                return new Database("fake");
            }

            @Dependency
            public Audited audited() {
                AUDIT.add("fake");
                return new Audited();
            }
        }
        try (var client = TestClient.of(app(Database::connect).overriding(new Fakes()))) {
            assertThat(client.get("/admin/db").json()).isEqualTo("fake");
        }
        assertThat(AUDIT).containsExactly("fake");
    }
}
