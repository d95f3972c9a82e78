package dev.coda.openapi.other;

/** A second class named {@code Item}, for the component-name clash in {@code OpenApiDocumentTest}. */
public record Item(String sku) {
}
