package io.komo.sync.errors;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Applies an integration's groups as one batch, and finds the group that fails one: a batch that throws is rolled back
 * by its caller, and the integration's next batches are applied one group at a time until one succeeds, so that the
 * group whose apply throws is the one that failed, and is told so ({@code failed}) before the exception goes on.
 * Kept per integration in memory: after a restart a failing batch fails once more before it is taken apart.
 */
public final class IsolatingBatches {

    private final Set<String> isolating = ConcurrentHashMap.newKeySet();

    /**
     * @param applyAll applies some groups in order, answering one result per group
     * @param failed   told of the group that failed when it was applied alone (and of the exception)
     */
    public <G, R> List<R> apply(String integrationId, List<G> groups, Function<List<G>, List<R>> applyAll,
            BiConsumer<G, RuntimeException> failed) {
        if (groups.size() > 1 && !isolating.contains(integrationId)) {
            try {
                return applyAll.apply(groups);
            } catch (RuntimeException e) {
                isolating.add(integrationId);
                throw e;
            }
        }
        List<R> results = new ArrayList<>(groups.size());
        for (G group : groups) {
            try {
                results.addAll(applyAll.apply(List.of(group)));
            } catch (RuntimeException e) {
                failed.accept(group, e);
                throw e;
            }
        }
        isolating.remove(integrationId);
        return results;
    }
}
