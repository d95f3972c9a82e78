package dev.coda.durable.spi;

import java.util.List;

/**
 * The workers that run an engine's tasks: each registers on start, heartbeats with its leases, and deregisters on
 * stop; a worker that died stays listed with an old heartbeat ({@link WorkerInfo#staleAt}).
 *
 * <pre>{@code
 * engine.register(new WorkerInfo(id, host, pid, null, null, List.of("default"), 64));
 * engine.heartbeat(id);
 * engine.workers();      // [WorkerInfo[id=..., lastHeartbeat=...]]
 * engine.deregister(id);
 * }</pre>
 */
public interface WorkerRegistry {

    /** Registers a worker (or re-registers it); its start and heartbeat times are the engine's now. */
    void register(WorkerInfo worker);

    /** Records a heartbeat of {@code workerId}; returns whether it is registered. */
    boolean heartbeat(String workerId);

    /** Removes a worker; returns whether it was registered. */
    boolean deregister(String workerId);

    /** The registered workers, by id. */
    List<WorkerInfo> workers();
}
