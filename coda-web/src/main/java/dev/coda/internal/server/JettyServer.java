package dev.coda.internal.server;

import dev.coda.internal.edge.Mounts;
import java.util.LinkedHashMap;
import java.util.concurrent.Executors;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the Jetty server an application runs on: handlers on virtual threads, graceful stop, and on the network
 * connector the connection limit, the accept queue and the request head deadline.
 */
public final class JettyServer {
    private static final Logger LOG = LoggerFactory.getLogger("dev.coda");

    private JettyServer() {
    }

    /**
     * A Jetty server for {@code application}, not started.
     *
     * @param network whether to listen on a TCP port ({@link Settings#host()}:{@link Settings#port()})
     * @param local whether to add an in-process {@link LocalConnector} (for the test client)
     */
    public static Server create(Application application, AfterResponse afterResponse, boolean network, boolean local) {
        var settings = application.settings();
        var threads = new QueuedThreadPool();
        threads.setName("coda");
        threads.setVirtualThreadsExecutor(Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("coda-request-", 0).factory()));
        var server = new Server(threads);
        var config = new HttpConfiguration();
        config.setSendServerVersion(false);
        config.setSendXPoweredBy(false);
        var http = new HttpConnectionFactory(config);
        if (network) {
            // One acceptor thread: it stops at the connection limit before accepting another, where several could
            // each have a connection in hand, which Jetty would then close as over the limit
            var connector = new ServerConnector(server, 1, -1, http);
            connector.setHost(settings.host());
            connector.setPort(settings.port());
            connector.setIdleTimeout(settings.idleTimeout().toMillis());
            connector.setAcceptQueueSize(settings.acceptQueueSize());
            if (headDeadlineReadable()) {
                connector.addEventListener(new RequestHeadDeadline(server.getScheduler(), settings.requestHeadTimeout()));
            } else {
                LOG.warn("requestHeadTimeout is off: on the module path it reads Jetty's HttpConnection, which needs "
                        + "--add-exports org.eclipse.jetty.server/org.eclipse.jetty.server.internal=dev.coda.web");
            }
            server.addConnector(connector);
            server.addBean(new MaxConnections(settings.maxConnections(), connector));
        }
        if (local) {
            var connector = new LocalConnector(server, http);
            connector.setIdleTimeout(settings.idleTimeout().toMillis());
            server.addConnector(connector);
        }
        var edge = settings.edge();
        boolean layered = !edge.isEmpty() || !settings.mounts().isEmpty();
        Handler handler = mounted(application, afterResponse, layered);
        if (!edge.isEmpty()) {
            handler = edge.wrap(handler);
        }
        if (layered) {
            handler = new EdgeAnswers(handler, afterResponse);
        }
        server.setHandler(new GracefulHandler(handler));
        server.setErrorHandler(new JsonErrorHandler(afterResponse));
        server.setStopTimeout(settings.shutdownTimeout().toMillis());
        return server;
    }

    /** The app's handler, with its mounted sub-applications (inside their own layers) and Jetty handlers. */
    private static Handler mounted(Application application, AfterResponse afterResponse, boolean layered) {
        Handler app = new CodaHandler(application, afterResponse, layered);
        var mounts = application.settings().mounts();
        if (mounts.isEmpty()) {
            return app;
        }
        var handlers = new LinkedHashMap<String, Handler>();
        for (var mount : mounts) {
            if (mount.app() == null) {
                handlers.put(mount.prefix(), mount.handler());
                continue;
            }
            var sub = mounted(mount.app(), afterResponse, true);
            var subEdge = mount.app().settings().edge();
            handlers.put(mount.prefix(), subEdge.isEmpty() ? sub : subEdge.wrap(sub));
        }
        return new Mounts(app, handlers, application.settings().rootPath());
    }

    /** Whether {@link RequestHeadDeadline} may read Jetty's internal {@code HttpConnection}: always on the class path. */
    private static boolean headDeadlineReadable() {
        return Server.class.getModule().isExported("org.eclipse.jetty.server.internal", JettyServer.class.getModule());
    }
}
