package dev.coda.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Signals to a server's process and every process under it (PostgreSQL's backends, Erlang's port programs). */
final class ProcessTree {

    private ProcessTree() {
    }

    /** SIGSTOP to the root first (so that it forks no new child meanwhile), then to its descendants. */
    static void stop(long root) throws IOException, InterruptedException {
        kill("STOP", List.of(root));
        kill("STOP", descendants(root));
    }

    /** SIGCONT to the descendants, then to the root. */
    static void resume(long root) throws IOException, InterruptedException {
        kill("CONT", descendants(root));
        kill("CONT", List.of(root));
    }

    /** SIGKILL to the whole tree; returns once none of its processes exists any more (or only as a zombie). */
    static void killAll(long root, Duration timeout) throws IOException, InterruptedException {
        kill("STOP", List.of(root));                                   // no fork between the listing and the kill
        var all = new ArrayList<>(List.of(root));
        all.addAll(descendants(root));
        kill("KILL", all);
        long deadline = System.nanoTime() + timeout.toNanos();
        for (long pid : all) {
            while (exists(pid)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("process " + pid + " still exists " + timeout + " after SIGKILL");
                }
                Thread.sleep(20);                                     // polling the kernel's process table
            }
        }
    }

    /** Whether the process exists and is not a zombie. */
    static boolean exists(long pid) {
        try {
            var stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    private static List<Long> descendants(long root) {
        return ProcessHandle.of(root).stream().flatMap(ProcessHandle::descendants).map(ProcessHandle::pid).toList();
    }

    private static void kill(String signal, List<Long> pids) throws IOException, InterruptedException {
        if (pids.isEmpty()) {
            return;
        }
        var command = new ArrayList<>(List.of("kill", "-s", signal));
        pids.forEach(pid -> command.add(Long.toString(pid)));
        // a process that exited meanwhile makes kill fail for it alone: the others got the signal
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    }
}
