package dev.coda.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The router and path templates on their own, without HTTP. */
class RouterTest {

    @Nested
    class Templates {

        @Test
        void aTemplateIsSplitIntoLiteralsAndPlaceholders() {
            var template = PathTemplate.parse("/items/{item_id}/tags/{tag}");

            assertThat(template.text()).isEqualTo("/items/{item_id}/tags/{tag}");
            assertThat(template.placeholders()).containsExactly("item_id", "tag");
            assertThat(template.segments()).containsExactly(
                    new PathTemplate.Segment("items", null, false),
                    new PathTemplate.Segment(null, "item_id", false),
                    new PathTemplate.Segment("tags", null, false),
                    new PathTemplate.Segment(null, "tag", false));
        }

        @Test
        void theRootTemplateHasNoSegments() {
            assertThat(PathTemplate.parse("/").segments()).isEmpty();
        }

        @Test
        void aPathPlaceholderIsMarkedRestOfPath() {
            var template = PathTemplate.parse("/files/{file_path:path}");

            assertThat(template.segments().getLast()).isEqualTo(new PathTemplate.Segment(null, "file_path", true));
            assertThat(template.placeholders()).containsExactly("file_path");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"items", ""})
        void aTemplateMustStartWithASlash(String template) {
            assertThatIllegalArgumentException().isThrownBy(() -> PathTemplate.parse(template))
                    .withMessageContaining("must start with '/'");
        }

        @Test
        void aNullTemplateIsRefused() {
            assertThatIllegalArgumentException().isThrownBy(() -> PathTemplate.parse(null))
                    .withMessageContaining("must start with '/'");
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', textBlock = """
                /items/{id:int}        | unknown placeholder type ':int'
                /items/{id:}           | unknown placeholder type ':'
                /files/{p:path}/meta   | must be last
                /items/{}              | bad placeholder '{}'
                /items/{item id}       | bad placeholder '{item id}'
                /items/{1st}           | bad placeholder '{1st}'
                /items/{item-id}       | bad placeholder '{item-id}'
                /a/{id}/b/{id}         | appears twice
                /items/x{id}           | must be a whole segment
                /items/{id}.json       | must be a whole segment
                /items/{id             | must be a whole segment
                /items/id}             | must be a whole segment
                """)
        void aBadTemplateIsRefusedWithAMessageQuotingIt(String template, String problem) {
            assertThatIllegalArgumentException().isThrownBy(() -> PathTemplate.parse(template))
                    .withMessageContaining(problem)
                    .withMessageContaining(template);
        }
    }

    @Nested
    class Matching {

        private final Router<String> router = new Router<>();

        private void add(String method, String template) {
            router.add(method, PathTemplate.parse(template), method + " " + template);
        }

        @Test
        void aMatchCarriesTheRouteAndTheDecodedPathParameters() {
            add("GET", "/items/{item_id}/tags/{tag}");

            var match = router.match("GET", "/items/5/tags/a%20b");

            assertThat(match).isEqualTo(new Router.Found<>("GET /items/{item_id}/tags/{tag}", Map.of("item_id", "5", "tag", "a b")));
        }

        @Test
        void literalsWinOverPlaceholdersWhichWinOverRestOfPathWhateverTheOrderOfAddition() {
            add("GET", "/x/{rest:path}");
            add("GET", "/x/{one}");
            add("GET", "/x/lit");

            assertThat(router.match("GET", "/x/lit")).isEqualTo(new Router.Found<>("GET /x/lit", Map.of()));
            assertThat(router.match("GET", "/x/other")).isEqualTo(new Router.Found<>("GET /x/{one}", Map.of("one", "other")));
            assertThat(router.match("GET", "/x/a/b")).isEqualTo(new Router.Found<>("GET /x/{rest:path}", Map.of("rest", "a/b")));
        }

        @Test
        void routesSharingAPlaceholderNodeKeepTheirOwnPlaceholderNames() {
            add("GET", "/items/{id}");
            add("PUT", "/items/{item_id}");

            assertThat(router.match("GET", "/items/1")).isEqualTo(new Router.Found<>("GET /items/{id}", Map.of("id", "1")));
            assertThat(router.match("PUT", "/items/1")).isEqualTo(new Router.Found<>("PUT /items/{item_id}", Map.of("item_id", "1")));
        }

        @Test
        void theSearchBacktracksFromALiteralBranchThatDoesNotLeadToARoute() {
            add("GET", "/a/lit/c");
            add("GET", "/a/{x}/b");

            assertThat(router.match("GET", "/a/lit/b")).isEqualTo(new Router.Found<>("GET /a/{x}/b", Map.of("x", "lit")));
        }

        @Test
        void headFallsBackToGet() {
            add("GET", "/items");

            assertThat(router.match("HEAD", "/items")).isEqualTo(new Router.Found<>("GET /items", Map.of()));
        }

        @Test
        void aWrongMethodListsTheAllowedMethodsSortedWithHeadWhenGetExists() {
            add("PUT", "/items/{id}");
            add("GET", "/items/{id}");
            add("DELETE", "/items/{id}");

            assertThat(router.match("POST", "/items/1")).isEqualTo(new Router.WrongMethod<String>(List.of("DELETE", "GET", "HEAD", "PUT")));
        }

        @Test
        void aWrongMethodListsTheMethodsOfEveryTemplateMatchingThePath() {
            add("GET", "/users/me");
            add("DELETE", "/users/{id}");
            add("PATCH", "/users/{rest:path}");

            assertThat(router.match("POST", "/users/me"))
                    .isEqualTo(new Router.WrongMethod<String>(List.of("DELETE", "GET", "HEAD", "PATCH")));
        }

        @Test
        void aPathNoTemplateMatchesIsNotFound() {
            add("GET", "/items/{id}");

            assertThat(router.match("GET", "/items")).isEqualTo(new Router.NotFound<String>());
            assertThat(router.match("GET", "/items/")).isEqualTo(new Router.NotFound<String>());
            assertThat(router.match("GET", "/items/1/2")).isEqualTo(new Router.NotFound<String>());
            assertThat(router.match("GET", "/")).isEqualTo(new Router.NotFound<String>());
        }

        @Test
        void theRootMatchesTheRootTemplateWhetherTheRawPathIsEmptyOrASlash() {
            add("GET", "/");

            assertThat(router.match("GET", "/")).isEqualTo(new Router.Found<>("GET /", Map.of()));
            assertThat(router.match("GET", "")).isEqualTo(new Router.Found<>("GET /", Map.of()));
        }

        @Test
        void percentEncodedLiteralsMatchTheirDecodedTemplate() {
            add("GET", "/café/{name}");

            assertThat(router.match("GET", "/caf%C3%A9/%E2%82%AC")).isEqualTo(new Router.Found<>("GET /café/{name}", Map.of("name", "€")));
        }

        @Test
        void aPlusSignAndAMalformedEscapeArePassedThroughUnchanged() {
            add("GET", "/items/{id}");

            assertThat(router.match("GET", "/items/+5")).isEqualTo(new Router.Found<>("GET /items/{id}", Map.of("id", "+5")));
            assertThat(router.match("GET", "/items/50%zz")).isEqualTo(new Router.Found<>("GET /items/{id}", Map.of("id", "50%zz")));
        }

        @Test
        void emptySegmentsAreKeptSoATrailingOrDoubledSlashIsAnotherPath() {
            add("GET", "/items/{id}");
            add("GET", "/items/{id}/tags/{tag}");

            assertThat(router.match("GET", "/items/")).isEqualTo(new Router.NotFound<String>());
            assertThat(router.match("GET", "/items/5/")).isEqualTo(new Router.NotFound<String>());
            assertThat(router.match("GET", "/items//5")).isEqualTo(new Router.NotFound<String>());
            assertThat(router.match("GET", "/items/5/tags//")).isEqualTo(new Router.NotFound<String>());
            assertThat(router.match("GET", "/items/5/tags/x")).isEqualTo(new Router.Found<>("GET /items/{id}/tags/{tag}", Map.of("id", "5", "tag", "x")));
        }

        @Test
        void pathParametersAreUnmodifiableAndInTheTemplatesOrder() {
            add("GET", "/{c}/{a}/{b}");
            add("GET", "/one/{id}");

            var three = ((Router.Found<String>) router.match("GET", "/3/1/2")).pathParams();
            var one = ((Router.Found<String>) router.match("GET", "/one/9")).pathParams();

            assertThat(three.keySet()).containsExactly("c", "a", "b");
            assertThat(three.values()).containsExactly("3", "1", "2");
            assertThat(one).containsExactly(Map.entry("id", "9"));
            assertThatThrownBy(() -> three.put("d", "4")).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> one.put("d", "4")).isInstanceOf(UnsupportedOperationException.class);
        }

        @Test
        void hasPathIgnoresTheMethod() {
            add("PUT", "/items/{id}");

            assertThat(router.hasPath("/items/1")).isTrue();
            assertThat(router.hasPath("/items/1/")).isFalse();
            assertThat(router.hasPath("/items")).isFalse();
        }

        @Test
        void theSameMethodAndTemplateCannotBeAddedTwiceEvenWithOtherPlaceholderNames() {
            add("GET", "/items/{id}");

            assertThatIllegalArgumentException().isThrownBy(() -> add("GET", "/items/{item_id}"))
                    .withMessageContaining("GET /items/{item_id} is declared twice");
        }
    }
}
