package dev.coda.durable.internal;

import dev.coda.durable.TaskEngine.Completion;
import java.util.ArrayList;
import java.util.List;

/**
 * Completions split into successes (one cheap statement, counted) and the rest (retries and failures), each in order.
 *
 * <pre>{@code
 * var split = CompletionSplit.of(completions);
 * if (split.others().isEmpty()) { ... one statement ... }
 * }</pre>
 */
record CompletionSplit(List<Completion.Succeeded> succeeded, List<Completion> others) {

    static CompletionSplit of(List<Completion> completions) {
        var succeeded = new ArrayList<Completion.Succeeded>(completions.size());
        var others = new ArrayList<Completion>();
        for (var completion : completions) {
            if (completion instanceof Completion.Succeeded s) {
                succeeded.add(s);
            } else {
                others.add(completion);
            }
        }
        return new CompletionSplit(succeeded, others);
    }
}
