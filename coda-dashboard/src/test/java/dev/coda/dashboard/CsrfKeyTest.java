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
        try (var one = client(TaskDashboard.builder(tasks.engine).csrfKey(SHARED));
             var other = client(TaskDashboard.builder(tasks.engine).csrfKey(SHARED))) {
            var page = one.get("/dashboard/tasks/" + id);

            var retried = Pages.post(other, "/dashboard/tasks/" + id + "/retry", Pages.csrfCookie(page), Pages.csrfField(page));

            assertThat(retried.status()).isEqualTo(303);
            assertThat(tasks.engine.status(id).map(TaskStatus::state)).hasValue(DurableState.QUEUED);
        }
    }

    @Test
    void dashboardsWithoutAKeyEachSignWithTheirOwnAndRefuseTheOthersForms() {
        var id = tasks.failed("Jobs.flaky", "default", "[]", "boom");
        try (var one = client(TaskDashboard.builder(tasks.engine));
             var other = client(TaskDashboard.builder(tasks.engine))) {
            var page = one.get("/dashboard/tasks/" + id);

            var refused = Pages.post(other, "/dashboard/tasks/" + id + "/retry", Pages.csrfCookie(page), Pages.csrfField(page));

            assertThat(refused.status()).isEqualTo(403);
            assertThat(tasks.engine.status(id).map(TaskStatus::state)).hasValue(DurableState.FAILED);
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
