package dev.coda.durable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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

    /** One file a task left: {@code started|done - n - pid - epochMillis - nanos}. */
    public record Mark(String kind, int n, long pid, long millis) {
        static Mark parse(Path file) {
            var parts = file.getFileName().toString().split("-");
            return new Mark(parts[0], Integer.parseInt(parts[1]), Long.parseLong(parts[2]), Long.parseLong(parts[3]));
        }
    }

    /** The files the tasks left in {@code results}. */
    public static List<Mark> marks(Path results) throws IOException {
        try (var files = Files.list(results)) {
            return files.map(Mark::parse).toList();
        }
    }

    /** Whether process {@code pid} is running a task now: it started more than it finished. */
    public static boolean running(Path results, long pid) throws IOException {
        var byPid = marks(results).stream().filter(m -> m.pid() == pid).toList();
        return byPid.stream().filter(m -> m.kind().equals("started")).count() > byPid.stream().filter(m -> m.kind().equals("done")).count();
    }

    /** The tasks process {@code pid} started and did not finish. */
    public static Set<Integer> unfinished(Path results, long pid) throws IOException {
        Set<Integer> out = new TreeSet<>();
        var all = marks(results);
        all.stream().filter(m -> m.pid() == pid && m.kind().equals("started")).forEach(m -> out.add(m.n()));
        all.stream().filter(m -> m.pid() == pid && m.kind().equals("done")).forEach(m -> out.remove(m.n()));
        return out;
    }

    /** The marks of finished runs, by task. */
    public static Map<Integer, List<Mark>> done(Path results) throws IOException {
        var out = new HashMap<Integer, List<Mark>>();
        for (var mark : marks(results)) {
            if (mark.kind().equals("done")) {
                out.computeIfAbsent(mark.n(), k -> new ArrayList<>()).add(mark);
            }
        }
        return out;
    }
}
