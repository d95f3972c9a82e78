package dev.coda.durable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The task of the crash test: leaves a file when it starts and one when it is done, named by process. */
public final class CrashJobs {

    private CrashJobs() {
    }

    public static void work(String dir, int n, long millis) throws IOException, InterruptedException {
        var folder = Path.of(dir);
        long pid = ProcessHandle.current().pid();
        Files.createFile(folder.resolve("started-" + n + "-" + pid + "-" + System.currentTimeMillis() + "-" + System.nanoTime()));
        Thread.sleep(millis);
        Files.createFile(folder.resolve("done-" + n + "-" + pid + "-" + System.currentTimeMillis() + "-" + System.nanoTime()));
    }
}
