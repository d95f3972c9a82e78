package dev.coda.durable;

/** The engines every engine test runs against. */
public enum EngineKind {
    SQLITE, POSTGRES
}
