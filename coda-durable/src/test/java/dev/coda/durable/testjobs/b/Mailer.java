package dev.coda.durable.testjobs.b;

public final class Mailer {
    private Mailer() {
    }

    public static void send(String to) {
    }
}
