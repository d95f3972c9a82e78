package dev.coda.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.coda.durable.DurableState;
import dev.coda.durable.TaskStatus;
import dev.coda.durable.TaskEngine;
import dev.coda.testing.TestClient;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several web processes behind one balancer: a form served by one is accepted by another when they share the key. */
class CsrfKeyTest {

    private static final String SHARED = "a secret every web process of the cluster is given";

    @TempDir
    Path folder;
    private TaskFixture tasks;

    @BeforeEach
    void start() {
        tasks = new TaskFixture(TaskEngine.sqlite(folder.resolve("tasks.db")));
    }

    @AfterEach
    void stop() {
        tasks.close();
    }

    @Test
    void twoDashboardsWithTheSameKeyAcceptEachOthersForms() {
        var id = tasks.failed("Jobs.flaky", "default", "[]", "boom");

        assertThat(retryOnTheOther(id, TaskDashboard.builder(tasks.engine).csrfKey(SHARED),
                TaskDashboard.builder(tasks.engine).csrfKey(SHARED))).isEqualTo(303);
        assertThat(tasks.engine.status(id).map(TaskStatus::state)).hasValue(DurableState.QUEUED);
    }

    @Test
    void dashboardsWithoutAKeyEachSignWithTheirOwnAndRefuseTheOthersForms() {
        var id = tasks.failed("Jobs.flaky", "default", "[]", "boom");

        assertThat(retryOnTheOther(id, TaskDashboard.builder(tasks.engine), TaskDashboard.builder(tasks.engine))).isEqualTo(403);
        assertThat(tasks.engine.status(id).map(TaskStatus::state)).hasValue(DurableState.FAILED);
    }

    /** Opens the task's page on {@code one}, posts its retry form to {@code other}; returns the status. */
    private static int retryOnTheOther(String id, TaskDashboard.Builder one, TaskDashboard.Builder other) {
        try (var first = client(one); var second = client(other)) {
            var page = first.get("/dashboard/tasks/" + id);
            return Pages.post(second, "/dashboard/tasks/" + id + "/retry", Pages.csrfCookie(page), Pages.csrfField(page)).status();
        }
    }

    @Test
    void theEnvironmentsKeyIsUsedWhenTheBuilderSetsNoneAndAShortKeyIsRefusedWithoutShowingIt() {
        var fromEnvironment = Csrf.fromEnvironment(Map.of(Csrf.KEY_VARIABLE, SHARED));
        var fromBuilder = Csrf.withKey(SHARED);
        var id = tasks.failed("Jobs.flaky", "default", "[]", "boom");
        try (var one = client(TaskDashboard.builder(tasks.engine).csrfKey(SHARED))) {
            var token = Pages.csrfCookie(one.get("/dashboard/tasks/" + id));
            assertThat(fromEnvironment.valid(token)).isTrue();
            assertThat(fromBuilder.valid(token)).isTrue();
            assertThat(Csrf.fromEnvironment(Map.of()).valid(token)).isFalse();
        }
        assertThatIllegalArgumentException().isThrownBy(() -> Csrf.fromEnvironment(Map.of(Csrf.KEY_VARIABLE, "short secret")))
                .withMessage(Csrf.KEY_VARIABLE + " must be a secret of at least 32 characters");
        assertThatIllegalArgumentException().isThrownBy(() -> TaskDashboard.builder(tasks.engine).csrfKey("short"))
                .withMessage("csrfKey must be a secret of at least 32 characters");
    }

    private static TestClient client(TaskDashboard.Builder dashboard) {
        return TestClient.of(Pages.mounted(dashboard.build()));
    }
}
