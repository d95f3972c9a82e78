package dev.coda.examples.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.coda.examples.Items;
import dev.coda.examples.client.api.DefaultApi;
import dev.coda.examples.client.model.HTTPValidationError;
import dev.coda.examples.client.model.Item;
import dev.coda.examples.client.model.LocationInner;
import dev.coda.testing.TestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The round trip a user's build makes: this module's build exports the {@code items} example's OpenAPI document
 * ({@code dev.coda.OpenApiExport}), generates a Java client from it (openapi-generator, library "native"), and
 * this test calls the running example through that client. Nothing of the client is written by hand: if the
 * document lost an operation, a parameter or a schema, this would not compile or not pass.
 */
class ItemsClientRoundTripTest {

    private static TestClient server;
    private static DefaultApi api;
    private static com.fasterxml.jackson.databind.ObjectMapper mapper;

    @BeforeAll
    static void start() {
        server = TestClient.overNetwork(Items.app());
        var client = new ApiClient();
        client.updateBaseUri(server.baseUri().toString().replaceAll("/$", ""));
        api = new DefaultApi(client);
        mapper = client.getObjectMapper();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void readsTheRoot() throws ApiException {
        assertThat(api.readRootGet()).containsExactly(java.util.Map.entry("Hello", "World"));
    }

    @Test
    void readsAnItemWithItsQuery() throws ApiException {
        var answer = api.readItemItemsItemIdGet(5, "somequery");

        assertThat(answer.getItemId()).isEqualTo(5);
        assertThat(answer.getQ()).isEqualTo("somequery");
    }

    @Test
    void leavesTheOptionalQueryOut() throws ApiException {
        var answer = api.readItemItemsItemIdGet(7, null);

        assertThat(answer.getItemId()).isEqualTo(7);
        assertThat(answer.getQ()).isNull();
    }

    @Test
    void updatesAnItemWithTheGeneratedBodyModel() throws ApiException {
        var answer = api.updateItemItemsItemIdPut(3, new Item().name("Hammer").price(9.5).isOffer(true));

        assertThat(answer.getItemName()).isEqualTo("Hammer");
        assertThat(answer.getItemId()).isEqualTo(3);
    }

    @Test
    void aBodyTheServerRefusesComesBackAsTheDocumented422() throws Exception {
        var refused = catchThrowableOfType(ApiException.class,
                () -> api.updateItemItemsItemIdPut(3, new Item().name("Hammer")));   // the client sends "price": null

        assertThat(refused.getCode()).isEqualTo(422);
        var error = mapper.readValue(refused.getResponseBody(), HTTPValidationError.class);
        assertThat(error.getDetail()).singleElement().satisfies(detail -> {
            assertThat(detail.getType()).isEqualTo("float_type");
            assertThat(detail.getMsg()).isEqualTo("Input should be a valid number");
            assertThat(detail.getLoc()).extracting(LocationInner::getActualInstance).containsExactly("body", "price");
        });
    }
}
