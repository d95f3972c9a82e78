package dev.coda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coda.testing.TestClient;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** FastAPI's {@code Depends}: providers by type, sub-dependencies, the per-request cache, qualifiers, requirements. */
class DependencyInjectionTest {

    private static TestClient client(Coda.Builder builder) {
        return TestClient.of(builder.build());
    }

    private static List<Object> locs(Object json) {
        @SuppressWarnings("unchecked")
        var detail = (List<Map<String, Object>>) ((Map<String, Object>) json).get("detail");
        return detail.stream().map(e -> e.get("loc")).toList();
    }

    // ---------------------------------------------------------------- injection by type

    record Greeting(String text) {
    }

    static final class GreetingRoutes {
        @Dependency
        Greeting greeting() {
            return new Greeting("hello");
        }

        @Get("/greet")
        public Map<String, String> greet(Greeting greeting) {
            return Map.of("text", greeting.text());
        }
    }

    @Test
    void aDependencyMethodResultIsInjectedByItsReturnType() {
        try (var client = client(Coda.app().routes(new GreetingRoutes()))) {
            var response = client.get("/greet");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json()).isEqualTo(Map.of("text", "hello"));
        }
    }

    // ---------------------------------------------------------------- a dependency's own parameters

    record Note(String text) {
    }

    record Caller(String user, int page, String itemId, String method, Note note) {
    }

    static final class CallerRoutes {
        @Dependency
        Caller caller(@Header("X-User") String user, @Default("1") int page, String itemId, Request request, Note note) {
            return new Caller(user, page, itemId, request.method(), note);
        }

        @Post("/items/{item_id}/notes")
        public Caller create(Caller caller) {
            return caller;
        }
    }

    @Test
    void aDependencyReceivesHeaderQueryPathBodyAndRequestParametersLikeAnEndpoint() {
        try (var client = client(Coda.app().routes(new CallerRoutes()))) {
            var response = client.request("POST", "/items/abc/notes?page=3")
                    .header("X-User", "alice")
                    .json(Map.of("text", "hi"))
                    .send();

            assertThat(response.status()).as(response.text()).isEqualTo(200);
            assertThat(response.json()).isEqualTo(Map.of(
                    "user", "alice", "page", 3, "itemId", "abc", "method", "POST", "note", Map.of("text", "hi")));
        }
    }

    @Test
    void aDependencysParameterDefaultAppliesWhenTheRequestOmitsIt() {
        try (var client = client(Coda.app().routes(new CallerRoutes()))) {
            var response = client.request("POST", "/items/x/notes")
                    .header("X-User", "bob")
                    .json(Map.of("text", "t"))
                    .send();

            assertThat(response.status()).as(response.text()).isEqualTo(200);
            assertThat(response.json()).extracting("page").isEqualTo(1);
        }
    }

    // ---------------------------------------------------------------- sub-dependencies

    record Level3(String q) {
    }

    record Level2(Level3 inner) {
    }

    record Level1(Level2 inner) {
    }

    static final class DeepRoutes {
        @Dependency
        Level3 level3(String q) {
            return new Level3(q);
        }

        @Dependency
        Level2 level2(Level3 level3) {
            return new Level2(level3);
        }

        @Dependency
        Level1 level1(Level2 level2) {
            return new Level1(level2);
        }

        @Get("/deep")
        public Map<String, String> deep(Level1 level1) {
            return Map.of("q", level1.inner().inner().q());
        }
    }

    @Test
    void subDependenciesResolveThreeLevelsDeep() {
        try (var client = client(Coda.app().routes(new DeepRoutes()))) {
            var response = client.get("/deep?q=bottom");

            assertThat(response.status()).as(response.text()).isEqualTo(200);
            assertThat(response.json()).isEqualTo(Map.of("q", "bottom"));
        }
    }

    @Test
    void aMissingParameterThreeLevelsDownIsReportedAsAValidationError() {
        try (var client = client(Coda.app().routes(new DeepRoutes()))) {
            var response = client.get("/deep");

            assertThat(response.status()).isEqualTo(422);
            assertThat(locs(response.json())).containsExactly(List.of("query", "q"));
        }
    }

    // ---------------------------------------------------------------- the per-request cache

    record Session(int serial) {
    }

    record Repo(Session session) {
    }

    record Service(Repo repo, Session session) {
    }

    static final class CachedRoutes {
        final AtomicInteger sessions = new AtomicInteger();

        @Dependency
        Session session() {
            return new Session(sessions.incrementAndGet());
        }

        @Dependency
        Repo repo(Session session) {
            return new Repo(session);
        }

        @Dependency
        Service service(Repo repo, Session session) {
            return new Service(repo, session);
        }

        @Get("/shared")
        public Map<String, Object> shared(Service service, Repo repo, Session session) {
            return Map.of(
                    "serial", session.serial(),
                    "sameInService", service.session() == session,
                    "sameInServiceRepo", service.repo().session() == session,
                    "sameRepo", service.repo() == repo);
        }

        @Get("/fresh")
        public Map<String, Object> fresh(Session cached, @Depends(useCache = false) Session uncached, Repo repo) {
            return Map.of(
                    "cached", cached.serial(),
                    "uncached", uncached.serial(),
                    "repoShares", repo.session() == cached);
        }
    }

    @Test
    void aDependencyUsedAtEveryLevelOfOneRequestRunsOnceAndIsTheSameInstanceEverywhere() {
        var routes = new CachedRoutes();
        try (var client = client(Coda.app().routes(routes))) {
            var response = client.get("/shared");

            assertThat(response.status()).as(response.text()).isEqualTo(200);
            assertThat(routes.sessions).hasValue(1);
            assertThat(response.json()).isEqualTo(Map.of(
                    "serial", 1, "sameInService", true, "sameInServiceRepo", true, "sameRepo", true));
        }
    }

    @Test
    void eachRequestGetsANewValue() {
        var routes = new CachedRoutes();
        try (var client = client(Coda.app().routes(routes))) {
            var first = client.get("/shared");
            var second = client.get("/shared");

            assertThat(first.json()).extracting("serial").isEqualTo(1);
            assertThat(second.json()).extracting("serial").isEqualTo(2);
            assertThat(routes.sessions).hasValue(2);
        }
    }

    @Test
    void dependsWithoutCacheRunsTheProviderAgainWhileOtherUsersShareTheCachedValue() {
        var routes = new CachedRoutes();
        try (var client = client(Coda.app().routes(routes))) {
            var response = client.get("/fresh");

            assertThat(response.status()).as(response.text()).isEqualTo(200);
            assertThat(routes.sessions).hasValue(2);
            assertThat(response.json()).isEqualTo(Map.of("cached", 1, "uncached", 2, "repoShares", true));
        }
    }

    // ---------------------------------------------------------------- qualifiers

    record Db(String name) {
    }

    static final class TwoDatabases {
        @Dependency
        Db primary() {
            return new Db("primary");
        }

        @Dependency
        Db replica() {
            return new Db("replica");
        }

        @Get("/dbs")
        public List<String> dbs(@Depends("replica") Db read, @Depends("primary") Db write) {
            return List.of(read.name(), write.name());
        }
    }

    @Test
    void dependsWithAMethodNameChoosesAmongProvidersOfTheSameType() {
        try (var client = client(Coda.app().routes(new TwoDatabases()))) {
            var response = client.get("/dbs");

            assertThat(response.status()).as(response.text()).isEqualTo(200);
            assertThat(response.json()).isEqualTo(List.of("replica", "primary"));
        }
    }

    // ---------------------------------------------------------------- class dependencies

    record Paging(@Default("0") int skip, @Default("10") int limit) {
    }

    static final class Filter {
        final Optional<String> q;
        final Paging paging;

        public Filter(Optional<String> q, @Depends Paging paging) {
            this.q = q;
            this.paging = paging;
        }
    }

    static final class PagedRoutes {
        @Get("/page")
        public Paging page(@Depends Paging paging) {
            return paging;
        }

        @Get("/filter")
        public Map<String, Object> filter(@Depends Filter filter, @Depends Paging paging) {
            return Map.of("q", filter.q.orElse("-"), "limit", filter.paging.limit(), "samePaging", filter.paging == paging);
        }
    }

    @Test
    void aRecordDependencyIsConstructedFromItsQueryParameters() {
        try (var client = client(Coda.app().routes(new PagedRoutes()))) {
            assertThat(client.get("/page?skip=20&limit=5").json()).isEqualTo(Map.of("skip", 20, "limit", 5));
            assertThat(client.get("/page").json()).isEqualTo(Map.of("skip", 0, "limit", 10));
        }
    }

    @Test
    void aClassDependencyIsConstructedWithItsOwnSubDependenciesSharedWithTheEndpoint() {
        try (var client = client(Coda.app().routes(new PagedRoutes()))) {
            var response = client.get("/filter?q=shoes&limit=3");

            assertThat(response.status()).as(response.text()).isEqualTo(200);
            assertThat(response.json()).isEqualTo(Map.of("q", "shoes", "limit", 3, "samePaging", true));
        }
    }

    @Test
    void aClassDependencysInvalidQueryParameterAnswers422() {
        try (var client = client(Coda.app().routes(new PagedRoutes()))) {
            var response = client.get("/page?limit=many");

            assertThat(response.status()).isEqualTo(422);
            assertThat(locs(response.json())).containsExactly(List.of("query", "limit"));
        }
    }

    // ---------------------------------------------------------------- where providers come from

    record ApiKey(String value) {
    }

    record Region(String name) {
    }

    static final class KeyProvider {
        private final String secret;

        KeyProvider(String secret) {
            this.secret = secret;
        }

        @Dependency
        ApiKey apiKey() {
            return new ApiKey(secret);
        }
    }

    static final class StaticProviders {
        @Dependency
        static Region region(@Default("eu") String region) {
            return new Region(region);
        }
    }

    static final class ProvidedRoutes {
        @Get("/config")
        public Map<String, String> config(ApiKey key, Region region) {
            return Map.of("key", key.value(), "region", region.name());
        }
    }

    @Test
    void providersComeFromRegisteredInstancesAndFromStaticMethodsOfRegisteredClasses() {
        var app = Coda.app().routes(new ProvidedRoutes()).dependencies(new KeyProvider("s3cret"), StaticProviders.class);
        try (var client = client(app)) {
            var response = client.get("/config?region=us");

            assertThat(response.status()).as(response.text()).isEqualTo(200);
            assertThat(response.json()).isEqualTo(Map.of("key", "s3cret", "region", "us"));
        }
    }

    // ---------------------------------------------------------------- requirements

    record Audited() {
    }

    record Tenant() {
    }

    record Verified() {
    }

    static final class Effects {
        final List<String> events = new CopyOnWriteArrayList<>();
        final AtomicInteger audits = new AtomicInteger();

        @Dependency
        Audited audit() {
            audits.incrementAndGet();
            events.add("audit");
            return new Audited();
        }

        @Dependency
        Tenant tenant() {
            events.add("tenant");
            return new Tenant();
        }

        @Dependency
        Verified verified(@Header("X-Token") String token) {
            events.add("verified " + token);
            return new Verified();
        }
    }

    @Requires(Tenant.class)
    static final class RequiringRoutes {
        private final Effects effects;

        RequiringRoutes(Effects effects) {
            this.effects = effects;
        }

        @Requires(Verified.class)
        @Get("/guarded")
        public String guarded(Audited audited) {
            effects.events.add("endpoint");
            return "ok";
        }

        @Get("/open")
        public String open() {
            effects.events.add("endpoint");
            return "ok";
        }
    }

    @Test
    void requirementsRunBeforeTheEndpointAppWideThenClassThenMethod() {
        var effects = new Effects();
        var app = Coda.app().routes(new RequiringRoutes(effects)).dependencies(effects).requires(Audited.class);
        try (var client = client(app)) {
            var response = client.request("GET", "/guarded").header("X-Token", "t1").send();

            assertThat(response.status()).as(response.text()).isEqualTo(200);
            assertThat(effects.events).containsExactly("audit", "tenant", "verified t1", "endpoint");
        }
    }

    @Test
    void aRequirementAlsoInjectedAsAParameterRunsOnce() {
        var effects = new Effects();
        var app = Coda.app().routes(new RequiringRoutes(effects)).dependencies(effects).requires(Audited.class);
        try (var client = client(app)) {
            client.request("GET", "/guarded").header("X-Token", "t1").send();

            assertThat(effects.audits).hasValue(1);
        }
    }

    @Test
    void classRequirementsApplyToEveryPathOperationOfTheClass() {
        var effects = new Effects();
        try (var client = client(Coda.app().routes(new RequiringRoutes(effects)).dependencies(effects))) {
            var response = client.get("/open");

            assertThat(response.status()).as(response.text()).isEqualTo(200);
            assertThat(effects.events).containsExactly("tenant", "endpoint");
        }
    }

    @Test
    void aRequirementThatDoesNotBindAnswers422AndTheEndpointDoesNotRun() {
        var effects = new Effects();
        try (var client = client(Coda.app().routes(new RequiringRoutes(effects)).dependencies(effects))) {
            var response = client.get("/guarded");

            assertThat(response.status()).isEqualTo(422);
            assertThat(locs(response.json())).containsExactly(List.of("header", "X-Token"));
            assertThat(effects.events).doesNotContain("endpoint").noneMatch(e -> e.startsWith("verified"));
        }
    }

    // ---------------------------------------------------------------- failures in dependencies

    record User(String name) {
    }

    static final class Guarded {
        final AtomicBoolean endpointRan = new AtomicBoolean();
        final AtomicInteger userCalls = new AtomicInteger();

        @Dependency
        User user(@Header Optional<String> authorization) {
            userCalls.incrementAndGet();
            if (authorization.isEmpty() || !authorization.get().equals("Bearer good")) {
                throw new HttpException(401, "Not authenticated", Map.of("WWW-Authenticate", "Bearer"));
            }
            return new User("alice");
        }

        @Get("/me")
        public Map<String, String> me(User user) {
            endpointRan.set(true);
            return Map.of("name", user.name());
        }

        @Dependency
        Verified token(@Header("X-Token") String token) {
            userCalls.incrementAndGet();
            return new Verified();
        }

        @Get("/things")
        public String things(Verified verified, int limit) {
            endpointRan.set(true);
            return "ok";
        }
    }

    @Test
    void aDependencyThrowingHttpExceptionAnswersWithItAndTheEndpointDoesNotRun() {
        var routes = new Guarded();
        try (var client = client(Coda.app().routes(routes))) {
            var response = client.get("/me");

            assertThat(response.status()).isEqualTo(401);
            assertThat(response.json()).isEqualTo(Map.of("detail", "Not authenticated"));
            assertThat(response.header("WWW-Authenticate")).contains("Bearer");
            assertThat(routes.endpointRan).isFalse();
        }
    }

    @Test
    void aDependencyThatSucceedsLetsTheEndpointRun() {
        var routes = new Guarded();
        try (var client = client(Coda.app().routes(routes))) {
            var response = client.request("GET", "/me").header("Authorization", "Bearer good").send();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json()).isEqualTo(Map.of("name", "alice"));
            assertThat(routes.endpointRan).isTrue();
        }
    }

    @Test
    void bindingErrorsOfADependencyAreReportedWithTheEndpointsOwnAndTheDependencyIsNotCalled() {
        var routes = new Guarded();
        try (var client = client(Coda.app().routes(routes))) {
            var response = client.get("/things?limit=lots");

            assertThat(response.status()).isEqualTo(422);
            assertThat(locs(response.json())).containsExactly(List.of("header", "X-Token"), List.of("query", "limit"));
            assertThat(routes.userCalls).hasValue(0);
            assertThat(routes.endpointRan).isFalse();
        }
    }

    // ---------------------------------------------------------------- order of resolution

    record Sub() {
    }

    record First(Sub sub) {
    }

    record Second() {
    }

    record Token(String value) {
    }

    record Order(String item) {
    }

    static final class Ordered {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Dependency
        Sub sub() {
            events.add("sub");
            return new Sub();
        }

        @Dependency
        First first(Sub sub) {
            events.add("first");
            return new First(sub);
        }

        @Dependency
        Second second() {
            events.add("second");
            return new Second();
        }

        @Get("/ordered")
        public List<String> ordered(String q, Second second, First first) {
            events.add("endpoint " + q);
            return events;
        }

        @Dependency
        Token token(@Header("X-Token") String token) {
            return new Token(token);
        }

        @Post("/orders/{id}")
        public String order(Order order, @Cookie("session") String session, @Header("X-Trace") String trace, int count,
                            int id, Token token) {
            return "ok";
        }
    }

    @Test
    void dependenciesRunBeforeTheEndpointInDeclarationOrderWithSubDependenciesBeforeTheirParents() {
        var routes = new Ordered();
        try (var client = client(Coda.app().routes(routes))) {
            var response = client.get("/ordered?q=x");

            assertThat(response.status()).as(response.text()).isEqualTo(200);
            assertThat(routes.events).containsExactly("second", "sub", "first", "endpoint x");
        }
    }

    @Test
    void errorsAreReportedInResolutionOrderDependenciesPathQueryHeaderCookieBody() {
        try (var client = client(Coda.app().routes(new Ordered()))) {
            var response = client.post("/orders/notanumber");

            assertThat(response.status()).isEqualTo(422);
            assertThat(locs(response.json())).containsExactly(
                    List.of("header", "X-Token"),
                    List.of("path", "id"),
                    List.of("query", "count"),
                    List.of("header", "X-Trace"),
                    List.of("cookie", "session"),
                    List.of("body"));
        }
    }

    // ---------------------------------------------------------------- null values

    record Maybe(String value) {
    }

    static final class NullRoutes {
        final AtomicInteger calls = new AtomicInteger();

        @Dependency
        Maybe maybe() {
            calls.incrementAndGet();
            return null;
        }

        @Dependency
        Greeting greeting(Maybe maybe) {
            return new Greeting(maybe == null ? "nothing" : maybe.value());
        }

        @Get("/null")
        public Map<String, Object> nothing(Maybe maybe, Greeting greeting) {
            return Map.of("isNull", maybe == null, "greeting", greeting.text());
        }
    }

    @Test
    void aDependencyReturningNullInjectsNullAndIsStillCachedForTheRequest() {
        var routes = new NullRoutes();
        try (var client = client(Coda.app().routes(routes))) {
            var response = client.get("/null");

            assertThat(response.status()).as(response.text()).isEqualTo(200);
            assertThat(response.json()).isEqualTo(Map.of("isNull", true, "greeting", "nothing"));
            assertThat(routes.calls).hasValue(1);
        }
    }

    // ---------------------------------------------------------------- generic types

    static final class GenericRoutes {
        @Dependency
        List<String> tags() {
            return List.of("a", "b");
        }

        @Get("/tags")
        public Map<String, Object> tags(@Depends("tags") List<String> tags, List<Integer> ids, List<String> labels) {
            return Map.of("tags", tags, "ids", ids, "labels", labels);
        }
    }

    @Test
    void aProviderOfAListIsInjectedWhereDependsNamesItWhileOtherListsStayQueryParameters() {
        try (var client = client(Coda.app().routes(new GenericRoutes()))) {
            var response = client.get("/tags?ids=1&ids=2&labels=x");

            assertThat(response.status()).as(response.text()).isEqualTo(200);
            assertThat(response.json()).isEqualTo(Map.of("tags", List.of("a", "b"), "ids", List.of(1, 2), "labels", List.of("x")));
        }
    }

    // ---------------------------------------------------------------- records with more constructors

    record Window(@Default("0") int from, @Default("5") int size) {
        public Window() {
            this(0, 5);
        }
    }

    static final class WindowRoutes {
        @Get("/window")
        public Window window(@Depends Window window) {
            return window;
        }
    }

    @Test
    void aRecordDependencyIsBuiltWithItsCanonicalConstructorEvenWhenItHasOthers() {
        try (var client = client(Coda.app().routes(new WindowRoutes()))) {
            var response = client.get("/window?from=10&size=2");

            assertThat(response.status()).as(response.text()).isEqualTo(200);
            assertThat(response.json()).isEqualTo(Map.of("from", 10, "size", 2));
        }
    }

    // ---------------------------------------------------------------- inheritance

    static class BaseProviders {
        @Dependency
        Greeting greeting() {
            return new Greeting("base");
        }
    }

    static final class OverridingProviders extends BaseProviders {
        @Override
        @Dependency
        Greeting greeting() {
            return new Greeting("override");
        }
    }

    @Test
    void aProviderOverriddenInASubclassIsOneProviderAndTheOverrideRuns() {
        var app = Coda.app().routes(new ProvidedGreeting()).dependencies(new OverridingProviders());
        try (var client = client(app)) {
            var response = client.get("/greeting");

            assertThat(response.status()).as(response.text()).isEqualTo(200);
            assertThat(response.json()).isEqualTo("override");
        }
    }

    static final class ProvidedGreeting {
        @Get("/greeting")
        public String greeting(Greeting greeting) {
            return greeting.text();
        }
    }

    // ---------------------------------------------------------------- constraints on a dependency's parameters

    static final class StaticConstrainedProviders {
        @Dependency
        static Region region(@jakarta.validation.constraints.Size(max = 3) String region) {
            return new Region(region);
        }
    }

    static final class ConstrainedProviders {
        @Dependency
        ApiKey key(@jakarta.validation.constraints.Size(min = 4) @Header("X-Key") String key) {
            return new ApiKey(key);
        }
    }

    static final class ConstrainedRoutes {
        @Get("/region")
        public String region(Region region) {
            return region.name();
        }
    }

    static final class KeyRoute {
        @Get("/key")
        public String key(ApiKey key) {
            return key.value();
        }
    }

    @Test
    void constraintsOnAnInstanceDependencysParametersAnswer422() {
        var app = Coda.app().routes(new KeyRoute()).dependencies(new ConstrainedProviders());
        try (var client = client(app)) {
            var response = client.request("GET", "/key").header("X-Key", "abc").send();

            assertThat(response.status()).as(response.text()).isEqualTo(422);
            assertThat(locs(response.json())).containsExactly(List.of("header", "X-Key"));
            assertThat(client.request("GET", "/key").header("X-Key", "abcd").send().json()).isEqualTo("abcd");
        }
    }

    @Test
    void standardConstraintsOnAStaticDependencysParametersAreCheckedByCodaItself() {
        var app = Coda.app().routes(new ConstrainedRoutes()).dependencies(StaticConstrainedProviders.class);
        try (var client = client(app)) {
            var tooLong = client.get("/region?region=europe");

            assertThat(tooLong.status()).as(tooLong.text()).isEqualTo(422);
            assertThat(locs(tooLong.json())).containsExactly(List.of("query", "region"));
            assertThat(client.get("/region?region=eu").json()).isEqualTo("eu");
        }
    }

    record Limits(@jakarta.validation.constraints.Max(100) int limit) {
    }

    static final class LimitedRoutes {
        @Get("/limited")
        public Limits limited(@Depends Limits limits) {
            return limits;
        }
    }

    @Test
    void constraintsOnAClassDependencysConstructorParametersAnswer422() {
        try (var client = client(Coda.app().routes(new LimitedRoutes()))) {
            assertThat(client.get("/limited?limit=5").json()).isEqualTo(Map.of("limit", 5));

            var response = client.get("/limited?limit=1000");

            assertThat(response.status()).as(response.text()).isEqualTo(422);
            assertThat(locs(response.json())).containsExactly(List.of("query", "limit"));
        }
    }

    // ---------------------------------------------------------------- common types are never injected by type alone

    static final class CommonTypeProviders {
        @Dependency
        static Optional<String> normalizedQuery(Optional<String> q) {
            return q.map(String::strip).filter(s -> !s.isEmpty());
        }

        @Get("/search")
        public Map<String, Object> search(@Depends("normalizedQuery") Optional<String> query, Optional<String> other) {
            return Map.of("query", query.orElse("<none>"), "other", other.orElse("<none>"));
        }
    }

    @Test
    void aProviderOfAnOptionalIsUsedOnlyWhereDependsNamesItNotForEveryOptionalParameter() {
        try (var client = client(Coda.app().routes(new CommonTypeProviders()))) {
            var response = client.get("/search?q=%20java%20&other=x");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json()).isEqualTo(Map.of("query", "java", "other", "x"));
        }
    }
}
