package dev.coda.testsupport;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;

/**
 * The PostgreSQL server the tests use: {@code CODA_TEST_PG_URL} (a JDBC URL with its user), else
 * {@code 127.0.0.1:5432}, database {@code test}, user {@code postgres} or {@code root} (trust auth). When it
 * cannot be reached, the test is skipped with the reason, except with {@code CI=true}, where it fails. Each
 * test then works in a schema or tables of its own. The PostgreSQL driver comes from the test's class path.
 *
 * <pre>{@code
 * var url = TestPostgres.url();     // jdbc:postgresql://127.0.0.1:5432/test?user=postgres
 * }</pre>
 */
public final class TestPostgres {

    private static final Object LOCK = new Object();
    private static String url;
    private static String problem;

    private TestPostgres() {
    }

    /** A JDBC URL (with user) of the test database; skips or fails the calling test when there is none. */
    public static String url() {
        synchronized (LOCK) {
            if (url == null && problem == null) {
                detect();
            }
        }
        return Servers.require("PostgreSQL", url, problem,
                "start PostgreSQL on 127.0.0.1:5432 with a database test, or set CODA_TEST_PG_URL");
    }

    private static void detect() {
        var candidates = new ArrayList<String>();
        var configured = System.getenv("CODA_TEST_PG_URL");
        if (configured != null && !configured.isBlank()) {
            candidates.add(configured);
        } else {
            candidates.add("jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
            candidates.add("jdbc:postgresql://127.0.0.1:5432/test?user=root");
        }
        var reasons = new ArrayList<String>();
        for (var candidate : candidates) {
            var withTimeout = candidate + (candidate.contains("?") ? "&" : "?") + "connectTimeout=3";
            try (var connection = DriverManager.getConnection(withTimeout);
                 var statement = connection.createStatement();
                 var rows = statement.executeQuery("SELECT 1")) {
                rows.next();
                url = candidate;
                return;
            } catch (SQLException e) {
                reasons.add(candidate + ": " + e.getMessage());
            }
        }
        problem = String.join("; ", reasons);
    }
}
