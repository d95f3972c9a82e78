package dev.coda.dashboard;

import dev.coda.Depends;
import dev.coda.Form;
import dev.coda.Get;
import dev.coda.HttpException;
import dev.coda.Post;
import dev.coda.Query;
import dev.coda.Request;
import dev.coda.Response;
import dev.coda.durable.DurableState;
import dev.coda.durable.TaskEngine;
import dev.coda.durable.spi.TaskQuery;
import dev.coda.tasks.TaskRuntime;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/** The dashboard's pages and actions as Coda routes: each reads the engine, then hands the rendering to its view. */
final class DashboardRoutes {

    private final TaskEngine engine;
    private final Csrf csrf;
    private final LiveCounts live;
    private final Actions actions;
    private final int pageSize;
    private final TaskRuntime inProcess;                 // null: none given
    private final InstantSource clock;

    DashboardRoutes(TaskEngine engine, Csrf csrf, LiveCounts live, int pageSize, TaskRuntime inProcess, InstantSource clock) {
        this.engine = engine;
        this.csrf = csrf;
        this.live = live;
        this.actions = new Actions(engine);
        this.pageSize = pageSize;
        this.inProcess = inProcess;
        this.clock = clock;
    }

    @Get("/")
    public Response overview(Request request, @Depends Access access) {
        var root = request.rootPath();
        var main = "<section id=\"counts\" class=\"live\" data-feed=\"" + Html.esc(root + "/live") + "\">"
                + CountsView.render(root, live.counts()) + "</section>"
                + "<h2>Last hour</h2><section id=\"activity\">" + ActivityView.render(root, live.activity()) + "</section>";
        return page(request, Layout.Section.OVERVIEW, "Overview", main);
    }

    @Get("/tasks")
    public Response tasks(Request request, @Depends Access access, @Query("id") Optional<String> id, @Query("state") Optional<String> state,
                          @Query("queue") Optional<String> queue, @Query("name") Optional<String> name,
                          @Query("from") Optional<String> from, @Query("before") Optional<String> before,
                          @Query("error") Optional<String> error, @Query("args") Optional<String> args,
                          @Query("after") Optional<String> after, @Query("done") Optional<String> done) {
        var root = request.rootPath();
        String notice = done.flatMap(Actions.Outcome::ofCode).map(Actions.Outcome::notice).orElse(null);
        var wanted = id.map(String::strip).filter(s -> !s.isEmpty());
        if (wanted.isPresent()) {
            if (engine.status(wanted.get()).isPresent()) {
                return Response.empty(303).header("Location", root + "/tasks/" + Html.query(wanted.get()));
            }
            notice = Layout.notice("problem", "No task has the id " + wanted.get() + ".");
        }
        var filter = filter(state, queue, name, from, before, error, args);
        var page = engine.search(filter.query(pageSize, after.orElse(null)));
        var title = filter.state() == null ? "Tasks" : "Tasks: " + CountsView.css(filter.state());
        return page(request, Layout.Section.TASKS, title,
                TaskListView.render(root, filter, page, after.filter(a -> !a.isBlank()).isEmpty(), notice, access.mayAct()));
    }

    /** The dry run of a bulk action on the list's filter: the count, and the confirmation form (refused without the right to act). */
    @Get("/tasks/bulk")
    public Response bulkDryRun(Request request, @Depends Access access, @Query("action") Optional<String> action,
                               @Query("state") Optional<String> state, @Query("queue") Optional<String> queue,
                               @Query("name") Optional<String> name, @Query("from") Optional<String> from,
                               @Query("before") Optional<String> before, @Query("error") Optional<String> error,
                               @Query("args") Optional<String> args) {
        Gate.mayAct(access);
        var bulk = BulkView.action(action.orElse(null));
        var filter = filter(state, queue, name, from, before, error, args).createdBy(clock.instant().truncatedTo(ChronoUnit.MILLIS));
        long count = actions.dryRun(bulk, filter.query(TaskQuery.MAX_LIMIT, null));
        var token = csrf.tokenFor(request);
        var html = Layout.page(request.rootPath(), Layout.Section.TASKS, BulkView.label(bulk) + " " + BulkView.tasks(count) + "?",
                BulkView.dryRun(request.rootPath(), bulk, filter, count, token));
        return csrf.remember(request, token, Response.html(html));
    }

    /** A confirmed bulk action: its result is the answer (a reload asks the browser before posting again). */
    @Post("/tasks/bulk")
    public Response bulk(Request request, @Depends Access access, @Form(Csrf.FIELD) Optional<String> token,
                         @Form("action") Optional<String> action, @Form("state") Optional<String> state,
                         @Form("queue") Optional<String> queue, @Form("name") Optional<String> name,
                         @Form("from") Optional<String> from, @Form("before") Optional<String> before,
                         @Form("error") Optional<String> error, @Form("args") Optional<String> args) {
        checkAction(request, access, token);
        var bulk = BulkView.action(action.orElse(null));
        var filter = filter(state, queue, name, from, before, error, args);
        var result = actions.bulk(bulk, filter.query(TaskQuery.MAX_LIMIT, null), request.remoteAddress());
        return page(request, Layout.Section.TASKS, BulkView.label(bulk) + ": done",
                BulkView.result(request.rootPath(), result, filter));
    }

    private static ListFilter filter(Optional<String> state, Optional<String> queue, Optional<String> name, Optional<String> from,
                                     Optional<String> before, Optional<String> error, Optional<String> args) {
        return ListFilter.of(state.orElse(null), queue.orElse(null), name.orElse(null), from.orElse(null), before.orElse(null),
                error.orElse(null), args.orElse(null));
    }

    @Get("/tasks/{id}")
    public Response task(Request request, @Depends Access access, String id, @Query("done") Optional<String> done) {
        var task = engine.status(id).orElseThrow(() -> new HttpException(404, "No task has the id " + id));
        var token = csrf.tokenFor(request);
        var notice = done.flatMap(Actions.Outcome::ofCode).map(Actions.Outcome::notice).orElse(null);
        var html = Layout.page(request.rootPath(), Layout.Section.TASKS, "Task " + id,
                TaskView.render(request.rootPath(), task, access.mayAct(), token, notice));
        return csrf.remember(request, token, Response.html(html));
    }

    @Post("/tasks/{id}/retry")
    public Response retry(Request request, @Depends Access access, String id, @Form(Csrf.FIELD) Optional<String> token) {
        checkAction(request, access, token);
        return afterAction(request, id, actions.retry(id, request.remoteAddress()));
    }

    @Post("/tasks/{id}/cancel")
    public Response cancel(Request request, @Depends Access access, String id, @Form(Csrf.FIELD) Optional<String> token) {
        checkAction(request, access, token);
        return afterAction(request, id, actions.cancel(id, request.remoteAddress()));
    }

    /** A deleted task has no page left: the list says so; a refusal goes back to the task's page. */
    @Post("/tasks/{id}/delete")
    public Response delete(Request request, @Depends Access access, String id, @Form(Csrf.FIELD) Optional<String> token) {
        checkAction(request, access, token);
        var outcome = actions.delete(id, request.remoteAddress());
        return outcome == Actions.Outcome.DELETED
                ? Response.empty(303).header("Location", request.rootPath() + "/tasks?done=" + outcome.code())
                : afterAction(request, id, outcome);
    }

    @Get("/workers")
    public Response workers(Request request, @Depends Access access) {
        var running = engine.search(TaskQuery.newest(TaskQuery.MAX_LIMIT).inStates(DurableState.RUNNING));
        return page(request, Layout.Section.WORKERS, "Workers",
                WorkersView.render(request.rootPath(), engine.workers(), running, clock.instant()));
    }

    @Get("/in-process")
    public Response inProcess(Request request, @Depends Access access) {
        return page(request, Layout.Section.IN_PROCESS, "In-process tasks",
                InProcessView.render(inProcess == null ? null : inProcess.recent()));
    }

    @Get("/live")
    public Response live(Request request, @Depends Access access) {
        var root = request.rootPath();
        return Response.events(sink -> live.stream(root, sink));
    }

    private void checkAction(Request request, @Depends Access access, Optional<String> token) {
        Gate.mayAct(access);
        csrf.check(request, token.orElse(null));
    }

    /** Post, redirect, get: reloading the task's page does not repeat the action. */
    private static Response afterAction(Request request, String id, Actions.Outcome outcome) {
        return Response.empty(303).header("Location", request.rootPath() + "/tasks/" + Html.query(id) + "?done=" + outcome.code());
    }

    private static Response page(Request request, Layout.Section section, String title, String main) {
        return Response.html(Layout.page(request.rootPath(), section, title, main));
    }
}
