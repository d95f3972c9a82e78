package dev.coda.tasks;

import java.io.Serializable;

/** A task function with its arguments: a call to make later. */
record Invocation(TaskName name, Serializable function, Object[] args) {

    static Invocation of(Serializable function, Object[] args) {
        return new Invocation(TaskName.of(function), function, args);
    }

    /** Runs the function; returns the stage of an asynchronous task, else {@code null}. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    Object invoke() throws Exception {
        var a = args;
        switch (function) {
            case TaskFunction.Of0 f -> f.run();
            case TaskFunction.Of1 f -> f.run(a[0]);
            case TaskFunction.Of2 f -> f.run(a[0], a[1]);
            case TaskFunction.Of3 f -> f.run(a[0], a[1], a[2]);
            case TaskFunction.Of4 f -> f.run(a[0], a[1], a[2], a[3]);
            case TaskFunction.Of5 f -> f.run(a[0], a[1], a[2], a[3], a[4]);
            case TaskFunction.AsyncOf0 f -> {
                return f.run();
            }
            case TaskFunction.AsyncOf1 f -> {
                return f.run(a[0]);
            }
            case TaskFunction.AsyncOf2 f -> {
                return f.run(a[0], a[1]);
            }
            case TaskFunction.AsyncOf3 f -> {
                return f.run(a[0], a[1], a[2]);
            }
            case TaskFunction.AsyncOf4 f -> {
                return f.run(a[0], a[1], a[2], a[3]);
            }
            case TaskFunction.AsyncOf5 f -> {
                return f.run(a[0], a[1], a[2], a[3], a[4]);
            }
            default -> throw new IllegalStateException("not a task function: " + function.getClass());
        }
        return null;
    }
}
