package dev.coda.dashboard;

import dev.coda.durable.TaskEngine;
import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;

/** {@link DashboardSafetyTest} on PostgreSQL, in a schema of its own. */
class PostgresDashboardSafetyTest extends DashboardSafetyTest {

    private final PostgresSchemas schemas = new PostgresSchemas();

    @Override
    TaskEngine engine(Path folder) {
        return schemas.engine();
    }

    @AfterEach
    void dropSchema() throws SQLException {
        schemas.drop();
    }
}
