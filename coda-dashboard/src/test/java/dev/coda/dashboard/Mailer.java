package dev.coda.dashboard;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The browser tests' app: a durable task that mails an address, failing while the address's mail server is down (in
 * {@link #UNREACHABLE}), as a real cause that a test makes go away before it retries.
 *
 * <pre>{@code
 * Mailer.UNREACHABLE.add(address);  // fails: "java.io.IOException: smtp.internal:25 refused the connection ..."
 * }</pre>
 */
public final class Mailer {

    /** The addresses whose server refuses connections now. */
    static final Set<String> UNREACHABLE = ConcurrentHashMap.newKeySet();

    private Mailer() {
    }

    public static void send(String address) throws IOException {
        if (UNREACHABLE.contains(address)) {
            throw new IOException("smtp.internal:25 refused the connection for " + address);
        }
    }
}
