package dev.coda.durable.testjobs.a;

public final class Mailer {
    private Mailer() {
    }

    public static void send(String to) {
    }
}
