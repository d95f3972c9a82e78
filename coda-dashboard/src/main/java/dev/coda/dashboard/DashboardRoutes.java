package dev.coda.dashboard;

import dev.coda.Depends;
import dev.coda.Form;
import dev.coda.Get;
import dev.coda.HttpException;
import dev.coda.Post;
import dev.coda.Query;
import dev.coda.Request;
import dev.coda.Response;
import dev.coda.durable.TaskEngine;
import dev.coda.tasks.TaskRuntime;
import java.time.Instant;
import java.util.Optional;

/** The dashboard's pages and actions as Coda routes: each reads the engine, then hands the rendering to its view. */
final class DashboardRoutes {

    private final TaskEngine engine;
    private final Csrf csrf;
    private final LiveCounts live;
    private final Actions actions;
    private final int pageSize;
    private final TaskRuntime inProcess;                 // null: none given

    DashboardRoutes(TaskEngine engine, Csrf csrf, LiveCounts live, int pageSize, TaskRuntime inProcess) {
        this.engine = engine;
        this.csrf = csrf;
        this.live = live;
        this.actions = new Actions(engine);
        this.pageSize = pageSize;
        this.inProcess = inProcess;
    }

    @Get("/")
    public Response overview(Request request, @Depends Access access) {
        var root = request.rootPath();
        var main = "<section id=\"counts\" class=\"live\" data-feed=\"" + Html.esc(root + "/live") + "\">"
                + CountsView.render(root, live.counts()) + "</section>";
        return page(request, Layout.Section.OVERVIEW, "Overview", main);
    }

    @Get("/tasks")
    public Response tasks(Request request, @Depends Access access, @Query("id") Optional<String> id, @Query("state") Optional<String> state,
                          @Query("queue") Optional<String> queue, @Query("name") Optional<String> name,
                          @Query("from") Optional<String> from, @Query("before") Optional<String> before,
                          @Query("after") Optional<String> after) {
        var root = request.rootPath();
        String notice = null;
        var wanted = id.map(String::strip).filter(s -> !s.isEmpty());
        if (wanted.isPresent()) {
            if (engine.status(wanted.get()).isPresent()) {
                return Response.empty(303).header("Location", root + "/tasks/" + Html.query(wanted.get()));
            }
            notice = Layout.notice("problem", "No task has the id " + wanted.get() + ".");
        }
        var filter = ListFilter.of(state.orElse(null), queue.orElse(null), name.orElse(null), from.orElse(null), before.orElse(null));
        var page = engine.search(filter.query(pageSize, after.orElse(null)));
        var title = filter.state() == null ? "Tasks" : "Tasks: " + CountsView.css(filter.state());
        return page(request, Layout.Section.TASKS, title,
                TaskListView.render(root, filter, page, after.filter(a -> !a.isBlank()).isEmpty(), notice));
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

    @Get("/workers")
    public Response workers(Request request, @Depends Access access) {
        return page(request, Layout.Section.WORKERS, "Workers", WorkersView.render(engine.workers(), Instant.now()));
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
