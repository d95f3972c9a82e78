package dev.coda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Misdeclared apps do not start: {@code build()} lists every problem, naming the method and parameter. */
class StartupErrorTest {

    private static IllegalStateException buildFails(Coda.Builder builder) {
        var e = catchThrowableOfType(IllegalStateException.class, builder::build);
        assertThat(e).as("build() should have failed").isNotNull();
        return e;
    }

    /** The problems listed in the message, one per {@code "  - "} line. */
    private static List<String> problems(IllegalStateException e) {
        var lines = e.getMessage().split("\n");
        return java.util.Arrays.stream(lines).filter(l -> l.startsWith("  - ")).map(l -> l.substring(4)).toList();
    }

    /** The count announced at the start of the message. */
    private static int announcedCount(IllegalStateException e) {
        var m = Pattern.compile("Coda cannot start; (\\d+) problem\\(s\\)").matcher(e.getMessage());
        assertThat(m.find()).as(e.getMessage()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    // ---------------------------------------------------------------- nothing provides a parameter

    interface Mailer {
        void send(String to);
    }

    static final class NoProviderRoutes {
        @Post("/mail")
        public String mail(String to, Mailer mailer) {
            return "sent";
        }
    }

    @Test
    void aParameterNothingCanProvideNamesTheMethodAndParameter() {
        var e = buildFails(Coda.app().routes(new NoProviderRoutes()));

        assertThat(e.getMessage())
                .contains("NoProviderRoutes.mail(")
                .contains("parameter 'mailer'")
                .contains("nothing provides Mailer");
        assertThat(announcedCount(e)).isEqualTo(1);
    }

    record Audit() {
    }

    static final class BrokenDependencyRoutes {
        @Dependency
        Audit audit(Mailer mailer) {
            return new Audit();
        }

        @Get("/a")
        public String a(Audit audit) {
            return "a";
        }

        @Get("/b")
        public String b(Audit audit) {
            return "b";
        }
    }

    @Test
    void aProblemInsideADependencyNamesTheDependencysMethodAndParameter() {
        var e = buildFails(Coda.app().routes(new BrokenDependencyRoutes()));

        assertThat(e.getMessage()).contains("BrokenDependencyRoutes.audit(").contains("parameter 'mailer'")
                .contains("nothing provides Mailer");
    }

    @Test
    void aProblemInADependencySharedByTwoRoutesIsListedAndCountedOnce() {
        var e = buildFails(Coda.app().routes(new BrokenDependencyRoutes()));

        assertThat(problems(e)).hasSize(1);
        assertThat(announcedCount(e)).isEqualTo(1);
    }

    // ---------------------------------------------------------------- cycles

    record A() {
    }

    record B() {
    }

    static final class CycleRoutes {
        @Dependency
        A a(B b) {
            return new A();
        }

        @Dependency
        B b(A a) {
            return new B();
        }

        @Get("/cycle")
        public String cycle(A a) {
            return "never";
        }
    }

    @Test
    void aDependencyCycleIsShownWithTheParameterThatClosesIt() {
        var e = buildFails(Coda.app().routes(new CycleRoutes()));

        assertThat(e.getMessage())
                .contains("dependency cycle: CycleRoutes.a -> CycleRoutes.b -> CycleRoutes.a")
                .contains("CycleRoutes.b(")
                .contains("parameter 'a'");
    }

    static final class SelfCycleRoutes {
        @Dependency
        A a(A previous) {
            return new A();
        }

        @Get("/self")
        public String self(A a) {
            return "never";
        }
    }

    @Test
    void aDependencyNeedingItselfIsACycle() {
        var e = buildFails(Coda.app().routes(new SelfCycleRoutes()));

        assertThat(e.getMessage()).contains("dependency cycle: SelfCycleRoutes.a -> SelfCycleRoutes.a")
                .contains("parameter 'previous'");
    }

    static final class Chicken {
        public Chicken(@Depends Egg egg) {
        }
    }

    static final class Egg {
        public Egg(@Depends Chicken chicken) {
        }
    }

    static final class ClassCycleRoutes {
        @Get("/farm")
        public String farm(@Depends Chicken chicken) {
            return "never";
        }
    }

    @Test
    void aCycleBetweenClassDependenciesIsReported() {
        var e = buildFails(Coda.app().routes(new ClassCycleRoutes()));

        assertThat(e.getMessage()).contains("dependency cycle: Chicken -> Egg -> Chicken").contains("parameter 'chicken'");
    }

    // ---------------------------------------------------------------- unknown annotations

    @Retention(RetentionPolicy.RUNTIME)
    @interface Trimmed {
    }

    static final class UnknownAnnotationRoutes {
        @Get("/search")
        public String search(@Trimmed String q) {
            return q;
        }
    }

    @Test
    void anUnknownAnnotationOnAParameterIsReported() {
        var e = buildFails(Coda.app().routes(new UnknownAnnotationRoutes()));

        assertThat(e.getMessage())
                .contains("UnknownAnnotationRoutes.search(String) parameter 'q'")
                .contains("unknown annotation @" + Trimmed.class.getName());
    }

    // ---------------------------------------------------------------- qualifiers

    record Db(String name) {
    }

    static final class AmbiguousRoutes {
        @Dependency
        Db primary() {
            return new Db("primary");
        }

        @Dependency
        Db replica() {
            return new Db("replica");
        }

        @Get("/db")
        public String db(Db db) {
            return db.name();
        }
    }

    @Test
    void twoProvidersOfOneTypeUsedWithoutQualifierAreAmbiguous() {
        var e = buildFails(Coda.app().routes(new AmbiguousRoutes()));

        assertThat(e.getMessage())
                .contains("AmbiguousRoutes.db(StartupErrorTest.Db) parameter 'db'")
                .contains("2 @Dependency methods return")
                .contains("AmbiguousRoutes.primary()")
                .contains("AmbiguousRoutes.replica()")
                .contains("@Depends(\"methodName\")");
    }

    static final class UnknownQualifierRoutes {
        @Dependency
        Db primary() {
            return new Db("primary");
        }

        @Dependency
        Audit audit() {
            return new Audit();
        }

        @Get("/nope")
        public String nope(@Depends("nope") Db db) {
            return db.name();
        }

        @Get("/wrong")
        public String wrong(@Depends("audit") Db db) {
            return db.name();
        }
    }

    @Test
    void dependsNamingNoProviderIsReported() {
        var e = buildFails(Coda.app().routes(new UnknownQualifierRoutes()));

        assertThat(e.getMessage())
                .contains("UnknownQualifierRoutes.nope(StartupErrorTest.Db) parameter 'db'")
                .contains("no @Dependency method is named 'nope'");
    }

    @Test
    void dependsNamingAProviderOfAnotherTypeIsReported() {
        var e = buildFails(Coda.app().routes(new UnknownQualifierRoutes()));

        assertThat(e.getMessage())
                .contains("UnknownQualifierRoutes.wrong(StartupErrorTest.Db) parameter 'db'")
                .contains("@Dependency 'audit' does not return Db");
    }

    // ---------------------------------------------------------------- paths

    static final class WrongPlaceholderRoutes {
        @Get("/items/{id}")
        public String item(@Path("x") String id) {
            return id;
        }
    }

    @Test
    void pathNamingAPlaceholderTheRouteLacksIsReported() {
        var e = buildFails(Coda.app().routes(new WrongPlaceholderRoutes()));

        assertThat(e.getMessage())
                .contains("WrongPlaceholderRoutes.item(String) parameter 'id'")
                .contains("@Path names '{x}', but the path has {id}");
    }

    static final class DuplicateRoutes {
        @Get("/dup")
        public String first() {
            return "1";
        }

        @Get("/dup")
        public String second() {
            return "2";
        }
    }

    static final class OtherDuplicate {
        @Get("/items/{name}")
        public String byName(String name) {
            return name;
        }
    }

    static final class YetAnotherDuplicate {
        @Get("/items/{id}")
        public String byId(String id) {
            return id;
        }
    }

    @Test
    void theSameMethodAndPathDeclaredTwiceIsReportedWithBothMethods() {
        var e = buildFails(Coda.app().routes(new DuplicateRoutes()));

        assertThat(e.getMessage())
                .contains("GET /dup is declared twice")
                .contains("DuplicateRoutes.first")
                .contains("DuplicateRoutes.second");
    }

    @Test
    void templatesDifferingOnlyInPlaceholderNamesAreTheSameRoute() {
        var e = buildFails(Coda.app().routes(new OtherDuplicate(), new YetAnotherDuplicate()));

        assertThat(e.getMessage())
                .contains("declared twice")
                .contains("OtherDuplicate.byName")
                .contains("YetAnotherDuplicate.byId");
    }

    static final class MalformedTemplateRoutes {
        @Get("/items/{id")
        public String item(String id) {
            return id;
        }
    }

    @Test
    void aMalformedTemplateIsReportedWithItsMethod() {
        var e = buildFails(Coda.app().routes(new MalformedTemplateRoutes()));

        assertThat(e.getMessage()).contains("MalformedTemplateRoutes.item(String)").contains("/items/{id");
    }

    // ---------------------------------------------------------------- defaults

    static final class PathDefaultRoutes {
        @Get("/items/{id}")
        public String item(@Default("1") int id) {
            return "x";
        }
    }

    @Test
    void aDefaultOnAPathParameterIsReported() {
        var e = buildFails(Coda.app().routes(new PathDefaultRoutes()));

        assertThat(e.getMessage())
                .contains("PathDefaultRoutes.item(int) parameter 'id'")
                .contains("a path parameter is always present; it cannot have a @Default");
    }

    static final class BadDefaultRoutes {
        @Get("/items")
        public String items(@Default("abc") int limit) {
            return "x";
        }
    }

    @Test
    void aDefaultThatDoesNotConvertToTheParameterTypeIsReported() {
        var e = buildFails(Coda.app().routes(new BadDefaultRoutes()));

        assertThat(e.getMessage())
                .contains("BadDefaultRoutes.items(int) parameter 'limit'")
                .contains("@Default(\"abc\") is not a valid int");
    }

    record Paging(@Default("ten") int limit) {
    }

    static final class BadDefaultInClassDependencyRoutes {
        @Get("/page")
        public String page(@Depends Paging paging) {
            return "x";
        }
    }

    @Test
    void aDefaultThatDoesNotConvertInAClassDependencyIsReported() {
        var e = buildFails(Coda.app().routes(new BadDefaultInClassDependencyRoutes()));

        assertThat(e.getMessage())
                .contains("new Paging(int) parameter 'limit'")
                .contains("@Default(\"ten\") is not a valid int");
    }

    // ---------------------------------------------------------------- registration

    static final class InstanceRoutes {
        @Get("/hello")
        public String hello() {
            return "hello";
        }
    }

    @Test
    void anInstanceRouteMethodRegisteredThroughItsClassIsReported() {
        var e = buildFails(Coda.app().routes(InstanceRoutes.class));

        assertThat(e.getMessage())
                .contains("InstanceRoutes.hello()")
                .contains("is an instance method, but only its class was registered");
    }

    static final class InstanceProviders {
        @Dependency
        Db db() {
            return new Db("x");
        }
    }

    static final class UsesDb {
        @Get("/db")
        public String db(Db db) {
            return db.name();
        }
    }

    @Test
    void anInstanceDependencyMethodRegisteredThroughItsClassIsReported() {
        var e = buildFails(Coda.app().routes(new UsesDb()).dependencies(InstanceProviders.class));

        assertThat(e.getMessage())
                .contains("InstanceProviders.db()")
                .contains("is an instance @Dependency method, but only its class was registered");
    }

    static final class VoidDependencyRoutes {
        @Dependency
        void touch() {
        }

        @Get("/x")
        public String x() {
            return "x";
        }
    }

    @Test
    void aDependencyReturningVoidIsReported() {
        var e = buildFails(Coda.app().routes(new VoidDependencyRoutes()));

        assertThat(e.getMessage()).contains("VoidDependencyRoutes.touch()").contains("returns nothing");
    }

    @Requires(Runnable.class)
    static final class UnconstructableRequirementRoutes {
        @Get("/x")
        public String x() {
            return "x";
        }
    }

    @Test
    void aRequirementNothingCanProvideIsReported() {
        var e = buildFails(Coda.app().routes(new UnconstructableRequirementRoutes()));

        assertThat(e.getMessage())
                .contains("UnconstructableRequirementRoutes.x() requires Runnable")
                .contains("no @Dependency method returns Runnable");
    }

    static final class StaticConstrainedRoutes {
        @Get("/static")
        public static String items(@jakarta.validation.constraints.Max(100) int limit) {
            return "x";
        }
    }

    static final class StaticUncheckableRoutes {
        @Get("/static")
        public static String items(@jakarta.validation.constraints.Email String to) {
            return to;
        }
    }

    @Test
    void aConstraintCodaCannotCheckOnAStaticMethodsParameterIsReported() {
        var e = buildFails(Coda.app().routes(StaticUncheckableRoutes.class));

        assertThat(e.getMessage())
                .contains("StaticUncheckableRoutes.items(String) parameter 'to'")
                .contains("@Email cannot be checked on a static method");
    }

    @Test
    void aStandardConstraintOnAStaticMethodsParameterIsCheckedRatherThanIgnored() {
        try (var client = dev.coda.testing.TestClient.of(Coda.app().routes(StaticConstrainedRoutes.class).build())) {
            assertThat(client.get("/static?limit=1000").status()).isEqualTo(422);
            assertThat(client.get("/static?limit=10").status()).isEqualTo(200);
        }
    }

    static class BaseRoutes {
        @Get("/hello")
        public String hello() {
            return "base";
        }

        @Get("/kept")
        public String kept() {
            return "base";
        }
    }

    static final class OverridingRoutes extends BaseRoutes {
        @Override
        @Get("/hello")
        public String hello() {
            return "override";
        }

        @Override
        public String kept() {
            return "override without annotation";
        }
    }

    @Test
    void anOverriddenPathOperationIsNotDeclaredTwiceAndTheOverrideAnswers() {
        try (var client = dev.coda.testing.TestClient.of(Coda.app().routes(new OverridingRoutes()).build())) {
            assertThat(client.get("/hello").json()).isEqualTo("override");
            assertThat(client.get("/kept").json()).isEqualTo("override without annotation");
        }
    }

    // ---------------------------------------------------------------- all at once

    static final class ManyProblems {
        @Dependency
        void nothing() {
        }

        @Get("/mail")
        public String mail(Mailer mailer) {
            return "x";
        }

        @Get("/search")
        public String search(@Trimmed String q, @Default("abc") int limit) {
            return "x";
        }

        @Get("/items/{id")
        public String broken() {
            return "x";
        }

        @Get("/mail")
        public String mailAgain() {
            return "x";
        }
    }

    @Test
    void everyProblemIsReportedAtOnceInASingleException() {
        var e = buildFails(Coda.app().routes(new ManyProblems(), new CycleRoutes()));

        assertThat(problems(e)).as(e.getMessage()).hasSize(7);
        assertThat(announcedCount(e)).isEqualTo(7);
        assertThat(e.getMessage())
                .contains("ManyProblems.nothing() is a @Dependency but returns nothing")
                .contains("parameter 'mailer'")
                .contains("parameter 'q'")
                .contains("parameter 'limit'")
                .contains("/items/{id")
                .contains("GET /mail is declared twice")
                .contains("dependency cycle");
    }

    @Test
    void anAppWithoutProblemsBuilds() {
        assertThat(Coda.app().routes(new InstanceRoutes()).build()).isNotNull();
        assertThatThrownBy(() -> Coda.app().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no path operations");
    }
}
