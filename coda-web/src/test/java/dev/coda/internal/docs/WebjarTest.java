package dev.coda.internal.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The webjars' files as read from the class path, and the escaping of what the pages insert. */
class WebjarTest {

    @Test
    void theBuildWroteTheWebjarsVersionsAndTheirFilesAreOnTheClassPath() {
        assertThat(Webjar.SWAGGER_UI.version()).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(Webjar.REDOC.version()).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(Webjar.SWAGGER_UI.present()).isTrue();
        assertThat(Webjar.REDOC.present()).isTrue();
    }

    @Test
    void aWebjarOfAnotherVersionIsNotPresentAndSaysWhatIsMissing() {
        var missing = new Webjar("swagger-ui", "0.0.1", Map.of("swagger-ui.css", "text/css"), Map.of());

        assertThat(missing.present()).isFalse();
        assertThat(missing.coordinates()).isEqualTo("org.webjars:swagger-ui:0.0.1");
        assertThatThrownBy(() -> missing.read("swagger-ui.css")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("META-INF/resources/webjars/swagger-ui/0.0.1/swagger-ui.css");
    }

    @Test
    void onlyTheNamedFilesCanBeRead() {
        assertThatThrownBy(() -> Webjar.SWAGGER_UI.read("index.html")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Webjar.SWAGGER_UI.read("../swagger-ui/" + Webjar.SWAGGER_UI.version() + "/swagger-ui.css"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Webjar.SWAGGER_UI.read("swagger-ui.css")).isNotEmpty();
    }

    @Test
    void textIsEscapedForElementsAndAttributes() {
        assertThat(Html.text("<a href=\"x\">Tom & Jerry's</a>")).isEqualTo("&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
    }

    @Test
    void aJavaScriptStringCannotEndTheScriptNorTheString() {
        assertThat(Html.jsString("</script><!-- \"'\\\n\u2028\u2029é")).isEqualTo(
                "\"\\u003c/script\\u003e\\u003c!-- \\u0022\\u0027\\u005c\\u000a\\u2028\\u2029é\"");
    }
}
