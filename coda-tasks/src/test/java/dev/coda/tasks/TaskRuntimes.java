package dev.coda.tasks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Builds the runtimes of a test and shuts them down after it, so no test leaves tasks behind. */
final class TaskRuntimes implements AfterEachCallback {

    private final List<TaskRuntime> started = new ArrayList<>();

    TaskRuntime start(TaskRuntime.Builder builder) {
        var runtime = builder.build();
        started.add(runtime);
        return runtime;
    }

    TaskRuntime start() {
        return start(TaskRuntime.builder());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        for (var runtime : started) {
            runtime.shutdown(Duration.ofSeconds(2));
        }
        started.clear();
    }
}
