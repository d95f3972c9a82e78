package dev.coda.tasks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A thread-safe record of what happened, in order; {@code events::add} is a handy task. */
final class Events {

    private final List<String> list = Collections.synchronizedList(new ArrayList<>());

    void add(String event) {
        list.add(event);
    }

    List<String> list() {
        synchronized (list) {
            return List.copyOf(list);
        }
    }
}
