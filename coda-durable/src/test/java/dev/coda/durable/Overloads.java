package dev.coda.durable;

/** Two methods with one task name. */
public final class Overloads {
    private Overloads() {
    }

    public static void process(int id) {
    }

    public static void process(String id) {
    }
}
