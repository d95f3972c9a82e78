package dev.coda;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Task functions for the background-task tests, used as method references so that the tasks are named
 * {@code Notifications.send}, {@code Notifications.explode}, ... Each records what it did.
 */
final class Notifications {

    /** What the tasks did, in the order they did it. */
    final List<String> sent = new CopyOnWriteArrayList<>();
    /** Opened by the test (or its cleanup) to let {@link #sendWhenReleased} finish. */
    final CountDownLatch release = new CountDownLatch(1);
    /** Counted down by each task that starts waiting in {@link #sendWhenReleased}. */
    final CountDownLatch waiting = new CountDownLatch(1);
    /** Completed by the test to finish {@link #deliver}. */
    final CompletableFuture<Void> delivery = new CompletableFuture<>();

    void send(String email, String message) {
        sent.add(email + ": " + message);
    }

    /** For tasks meant to run only when the request fails. */
    void page(String what) {
        sent.add("paged: " + what);
    }

    /** For tasks meant to run whatever happens. */
    void count(String what) {
        sent.add("counted: " + what);
    }

    void explode(String email) {
        throw new IllegalStateException("mail server down for " + email);
    }

    /** Blocks until the test releases it, then records {@code email}. */
    void sendWhenReleased(String email) throws InterruptedException {
        waiting.countDown();
        if (!release.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the test never released " + email);
        }
        sent.add(email);
    }

    /** Blocks until the test completes {@link #delivery}, deaf to interrupts: a task that will not stop when asked. */
    void sendStubbornly(String email) {
        delivery.join();
        sent.add(email);
    }

    /** An asynchronous task: runs until the test completes {@link #delivery}. */
    CompletionStage<Void> deliver(String email) {
        return delivery.thenRun(() -> sent.add("delivered to " + email));
    }
}
