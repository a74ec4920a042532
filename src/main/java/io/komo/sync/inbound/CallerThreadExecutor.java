package io.komo.sync.inbound;

import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.apache.camel.util.concurrent.SynchronousExecutorService;

/**
 * The executor of the inbound aggregator's output. Camel's default is a thread of its own; this one runs a completed
 * group on the thread that completed it, inside that thread's transaction and advisory lock, so applying a group and
 * deleting it from the repository commit together, and groups are applied one after the other in completion order.
 */
@Singleton
@Named("callerThread")
public class CallerThreadExecutor extends SynchronousExecutorService {
}
