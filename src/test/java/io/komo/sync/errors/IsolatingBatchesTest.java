package io.komo.sync.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

class IsolatingBatchesTest {

    private final IsolatingBatches batches = new IsolatingBatches();
    private final List<String> failed = new ArrayList<>();
    private final List<List<String>> calls = new ArrayList<>();

    /** Applies groups, failing any call that holds "poison". */
    private final Function<List<String>, List<String>> apply = groups -> {
        calls.add(groups);
        if (groups.contains("poison")) {
            throw new IllegalStateException("cannot apply poison");
        }
        return groups.stream().map(g -> g + " applied").toList();
    };

    @Test
    void aBatchThatSucceedsIsAppliedInOneCallAndNoGroupIsBlamed() {
        assertThat(batches.apply("crm", List.of("a", "b"), apply, (g, e) -> failed.add(g)))
                .containsExactly("a applied", "b applied");
        assertThat(calls).containsExactly(List.of("a", "b"));
        assertThat(failed).isEmpty();
    }

    @Test
    void aFailedBatchBlamesNoOneThenItsRetryAppliesGroupByGroupAndBlamesTheGroupThatFails() {
        List<String> batch = List.of("a", "poison", "b");
        assertThatThrownBy(() -> batches.apply("crm", batch, apply, (g, e) -> failed.add(g)))
                .hasMessage("cannot apply poison");
        assertThat(failed).as("a batch of several cannot say which group failed").isEmpty();

        assertThatThrownBy(() -> batches.apply("crm", batch, apply, (g, e) -> failed.add(g)))
                .hasMessage("cannot apply poison");
        assertThat(failed).containsExactly("poison");
        assertThat(calls).containsExactly(batch, List.of("a"), List.of("poison"));
    }

    @Test
    void afterABatchSucceedsGroupByGroupTheNextIsAppliedWholeAgainAndOtherIntegrationsAreNotAffected() {
        assertThatThrownBy(() -> batches.apply("crm", List.of("a", "poison"), apply, (g, e) -> failed.add(g)));
        assertThat(batches.apply("other", List.of("x", "y"), apply, (g, e) -> failed.add(g))).hasSize(2);
        assertThat(batches.apply("crm", List.of("a", "b"), apply, (g, e) -> failed.add(g))).hasSize(2);
        assertThat(batches.apply("crm", List.of("c", "d"), apply, (g, e) -> failed.add(g))).hasSize(2);
        assertThat(calls).containsExactly(List.of("a", "poison"), List.of("x", "y"), List.of("a"), List.of("b"),
                List.of("c", "d"));
    }

    @Test
    void aSingleGroupThatFailsIsBlamedAtOnce() {
        assertThatThrownBy(() -> batches.apply("crm", List.of("poison"), apply, (g, e) -> failed.add(g)));
        assertThat(failed).containsExactly("poison");
    }
}
