package dev.coda;

import java.io.IOException;

/**
 * A process for {@link LargeFileHeapTest}: serves the file named by its first argument at {@code GET /big}, prints
 * its port, and stops when its standard input ends.
 */
public final class LargeFileServer {

    private LargeFileServer() {
    }

    public static final class Routes {
        private final java.nio.file.Path file;

        Routes(java.nio.file.Path file) {
            this.file = file;
        }

        @Get("/big")
        public Response big() {
            return Response.file(file);
        }
    }

    public static void main(String[] args) throws IOException {
        var server = Coda.app().routes(new Routes(java.nio.file.Path.of(args[0]))).host("127.0.0.1").port(0).build().start();
        System.out.println("PORT " + server.port());
        System.out.flush();
        while (System.in.read() >= 0) {
            // until the test closes our input
        }
        System.exit(0);
    }
}
