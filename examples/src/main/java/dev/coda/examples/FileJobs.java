package dev.coda.examples;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * The durable task of the {@code files} example: it reads an upload and summarises it. It runs on whichever
 * worker claims it, possibly on another machine, so it receives the upload's id, not the bytes; the store it reads
 * from is this object's, given to the worker ({@code durable.worker().service(jobs)}), never stored with the task.
 *
 * <pre>{@code
 * var jobs = new FileJobs(UploadStore.database(durable), Duration.ZERO);
 * tasks.addTask(jobs::process, uploadId);                 // web side: stored as FileJobs.process("<upload id>")
 * durable.worker().service(jobs).start();                 // worker side: runs jobs.process(uploadId)
 * }</pre>
 */
public final class FileJobs {

    /** What processing an upload produces: the task's result, kept by the engine. */
    public record FileSummary(long bytes, long lines, String sha256) {
    }

    /**
     * A failure whose message is meant for the client: {@code GET /files/{id}} shows it as the {@code error}. Other
     * failures show a generic message there (their text, with class names and ids, stays in the logs and the engine).
     *
     * <pre>{@code
     * throw new FileJobs.Failure("the upload is missing");    // GET /files/{id}: "error": "the upload is missing"
     * }</pre>
     */
    public static final class Failure extends Exception {

        private static final long serialVersionUID = 1L;

        public Failure(String clientMessage) {
            super(clientMessage);
        }
    }

    private final UploadStore uploads;
    private final Duration workDelay;

    /** Jobs reading uploads from {@code uploads}, each taking {@code workDelay} more (standing in for slow work). */
    FileJobs(UploadStore uploads, Duration workDelay) {
        this.uploads = uploads;
        this.workDelay = workDelay;
    }

    UploadStore uploads() {
        return uploads;
    }

    /** Processes one upload; the delay stands in for slow work. An upload starting with {@code fail} fails, every time. */
    public FileSummary process(String uploadId) throws Exception {
        var content = uploads.load(uploadId).orElseThrow(() -> new Failure("the upload is missing"));
        if (!workDelay.isZero()) {
            Thread.sleep(workDelay);
        }
        if (startsWithFail(content)) {
            throw new Failure("the upload starts with \"fail\": it fails on purpose, at every attempt");
        }
        return summarise(content);
    }

    /** The example's way to make a task fail: a failure to show in the dashboard and to retry there. */
    static boolean startsWithFail(byte[] content) {
        return content.length >= 4 && content[0] == 'f' && content[1] == 'a' && content[2] == 'i' && content[3] == 'l';
    }

    static FileSummary summarise(byte[] content) throws NoSuchAlgorithmException {
        long lines = 0;
        for (byte b : content) {
            if (b == '\n') {
                lines++;
            }
        }
        if (content.length > 0 && content[content.length - 1] != '\n') {
            lines++;
        }
        var sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        return new FileSummary(content.length, lines, sha256);
    }
}
