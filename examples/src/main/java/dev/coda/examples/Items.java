package dev.coda.examples;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.coda.Coda;
import dev.coda.Get;
import dev.coda.Put;
import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;

/**
 * FastAPI's README app in Coda: {@code GET /}, {@code GET /items/{item_id}}, {@code PUT /items/{item_id}}.
 * {@code item_id} is a {@link BigInteger} because Python's {@code int} has no upper bound.
 */
public final class Items {

    /** The body of {@code PUT /items/{item_id}}; {@code is_offer} may be left out. */
    public record Item(String name, double price, @JsonProperty("is_offer") Optional<Boolean> isOffer) {
    }

    /** The answer of {@code GET /items/{item_id}}. */
    public record ItemQuery(@JsonProperty("item_id") BigInteger itemId, Optional<String> q) {
    }

    /** The answer of {@code PUT /items/{item_id}}. */
    public record ItemUpdate(@JsonProperty("item_name") String itemName, @JsonProperty("item_id") BigInteger itemId) {
    }

    @Get("/")
    public Map<String, String> readRoot() {
        return Map.of("Hello", "World");
    }

    @Get("/items/{item_id}")
    public ItemQuery readItem(BigInteger itemId, Optional<String> q) {
        return new ItemQuery(itemId, q);
    }

    @Put("/items/{item_id}")
    public ItemUpdate updateItem(BigInteger itemId, Item item) {
        return new ItemUpdate(item.name(), itemId);
    }

    /** The application. */
    public static Coda app() {
        return Coda.app().routes(new Items()).build();
    }

    public static void main(String[] args) {
        app().run();
    }
}
