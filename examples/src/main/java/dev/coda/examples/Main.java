package dev.coda.examples;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs one example by name: {@code java -jar coda-examples.jar <example-name> [options]}, with the
 * port from the {@code PORT} environment variable (default 8000).
 */
public final class Main {

    private static final Map<String, Consumer<String[]>> EXAMPLES = new LinkedHashMap<>();

    static {
        EXAMPLES.put("items", Items::main);
        EXAMPLES.put("tutorial001", Tutorial001::main);
        EXAMPLES.put("tutorial002", Tutorial002::main);
        EXAMPLES.put("events", Events::main);
        EXAMPLES.put("forms", Forms::main);
        EXAMPLES.put("bigger-applications", BiggerApplications::main);
        EXAMPLES.put("cors", Cors::main);
        EXAMPLES.put("files", FilesApp::main);
    }

    private Main() {
    }

    public static void main(String[] args) {
        if (args.length == 0 || !EXAMPLES.containsKey(args[0])) {
            System.err.println("usage: java -jar coda-examples.jar <example> [options]");
            System.err.println("examples: " + String.join(", ", EXAMPLES.keySet()));
            System.exit(2);
        }
        ExampleTracing.initFromEnvironment();
        EXAMPLES.get(args[0]).accept(Arrays.copyOfRange(args, 1, args.length));
    }
}
