package io.komo.sync.run;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.komo.sync.api.Problem;
import io.komo.sync.api.ProblemException;
import io.komo.sync.connector.spi.CallOutcome;
import io.komo.sync.connector.spi.ChangedPage;
import io.komo.sync.connector.spi.InboundRecord;
import io.komo.sync.connector.spi.PreparedCall;
import io.komo.sync.delivery.ConnectorCalls;
import io.komo.sync.inbound.Applied;
import io.komo.sync.inbound.InboundApplier;
import io.komo.sync.runtime.CompiledIntegration;

/**
 * The inbound half of a test sync: the first N records the platform holds (a read of everything,
 * {@code readChangedSince(null)}), through the normal inbound merge ({@link InboundApplier#applyPulled}), all in one
 * transaction. A dry run rolls that transaction back, so it answers exactly what the live run would do (a second
 * record of the same person sees the first one's contact) and writes nothing; a live run commits it unless a record
 * failed: then it rolls back too, so a failed live test leaves none of its records applied (and no dead letter: the
 * answer names the failure). A record whose apply throws ends the test there, as its transaction cannot go on. A platform that only pushes its changes (no read API) cannot be tested this way: the answer says so and
 * what to do instead.
 */
@ApplicationScoped
public class InboundTestSync {

    /**
     * What would happen (dry run) or happened (live) to one platform record in Komo.
     *
     * @param action  {@code create}, {@code update}, {@code delete}, {@code skip}, {@code needs-review} or
     *                {@code error}; live: {@code created}, {@code updated}, {@code deleted}, {@code skipped},
     *                {@code needs-review}, {@code error}; with a failed record, the others are {@code rolled-back}
     *                (or {@code not-tried} after a record whose apply threw)
     * @param changes Komo's fields: the value Komo holds and the one it would hold
     * @param reason  why it is skipped, waits for review, failed or was not applied
     */
    public record RecordOutcome(String externalId, String action, UUID contactId, List<Applied.FieldChange> changes,
            String reason) {
    }

    /**
     * The inbound part of a test sync's answer.
     *
     * @param tested  false when the platform could not be read: {@code note} says why and what to do instead
     * @param records how many platform records were tried
     * @param note    for an untested half, what the user can do instead
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(boolean tested, int records, List<RecordOutcome> results, String note) {

        static Result untested(String note) {
            return new Result(false, 0, List.of(), note);
        }
    }

    /** The records a test is to try; null when the platform cannot be read (it only pushes). */
    record Reading(List<InboundRecord> records) {
    }

    @Inject
    ConnectorCalls calls;

    @Inject
    InboundApplier stages;

    /**
     * Reads up to {@code limit} records, page by page, holding no transaction while the platform answers.
     *
     * @throws ProblemException 502 when the platform cannot be reached or refuses the read
     */
    Reading read(CompiledIntegration integration, int limit) {
        List<InboundRecord> records = new ArrayList<>();
        String cursor = null;
        do {
            PreparedCall call;
            try {
                call = integration.connector().readChangedSince(integration.context(), null, cursor,
                        limit - records.size());
            } catch (UnsupportedOperationException pushOnly) {
                return new Reading(null);
            }
            ChangedPage page;
            try {
                CallOutcome outcome = calls.send(integration.id(), call);
                if (!outcome.isSuccess()) {
                    throw unreachable("the platform answered HTTP " + outcome.status() + " to a read");
                }
                page = integration.connector().changedPage(integration.context(), outcome);
            } catch (ProblemException e) {
                throw e;
            } catch (Exception e) {
                throw unreachable("the platform could not be read: " + e.getMessage());
            }
            page.records().stream().limit(limit - records.size()).forEach(records::add);
            if (page.nextCursor() == null || page.nextCursor().equals(cursor)) { // the second: a cursor that never moves
                break;
            }
            cursor = page.nextCursor();
        } while (records.size() < limit);
        return new Reading(records);
    }

    /** Applies what {@link #read} read, in one transaction that a dry run rolls back. */
    Result apply(CompiledIntegration integration, Reading reading, boolean dryRun) {
        if (reading.records() == null) {
            return Result.untested("Platform " + integration.definition().platform() + " cannot be read: it pushes its "
                    + "changes, so the inbound half is not tested here. To try it, send a signed test webhook to POST "
                    + "/webhooks/" + integration.id()
                    + " (it is kept, and applied once the integration is active), then "
                    + "check GET /api/logs?integration=" + integration.id()
                    + ". An integration that only receives from "
                    + "such a platform is activated by an admin with force");
        }
        List<RecordOutcome> outcomes;
        try {
            outcomes = QuarkusTransaction.requiringNew().call(() -> tryAll(integration, reading.records(), dryRun));
        } catch (Undone undone) {
            outcomes = undone.outcomes;
        }
        return new Result(true, reading.records().size(), outcomes, null);
    }

    /** Applies the records in the caller's transaction; throws {@link Undone} when it must not be committed. */
    private List<RecordOutcome> tryAll(CompiledIntegration integration, List<InboundRecord> records, boolean dryRun) {
        List<RecordOutcome> tried = new ArrayList<>();
        boolean failed = false;
        for (InboundRecord record : records) {
            if (failed) {
                tried.add(new RecordOutcome(record.externalId(), "not-tried", null, List.of(),
                        "an earlier record of this test failed"));
                continue;
            }
            try {
                tried.add(outcome(record, stages.applyPulled(integration.id(), record), dryRun));
            } catch (RuntimeException e) {
                failed = true;
                tried.add(new RecordOutcome(record.externalId(), "error", null, List.of(), e.getMessage()));
            }
        }
        boolean anyError = tried.stream().anyMatch(r -> "error".equals(r.action()));
        if (dryRun || anyError) {
            throw new Undone(anyError && !dryRun ? rolledBack(tried) : tried);
        }
        return tried;
    }

    /** Rolls a test's transaction back (a dry run, or a record that failed) and carries what it found out. */
    private static final class Undone extends RuntimeException {

        final transient List<RecordOutcome> outcomes;

        Undone(List<RecordOutcome> outcomes) {
            super(null, null, false, false);
            this.outcomes = outcomes;
        }
    }

    private static RecordOutcome outcome(InboundRecord record, Applied applied, boolean dryRun) {
        String action = switch (applied.kind()) {
            case CREATE -> dryRun ? "create" : "created";
            case UPDATE -> dryRun ? "update" : "updated";
            case DELETE -> dryRun ? "delete" : "deleted";
            case SKIP -> dryRun ? "skip" : "skipped";
            case REVIEW -> "needs-review";
            case ERROR -> "error";
        };
        return new RecordOutcome(record.externalId(), action, applied.contactId(), applied.changes(), applied.reason());
    }

    /** A live test with a failed record commits nothing: what the others did is undone. */
    private static List<RecordOutcome> rolledBack(List<RecordOutcome> tried) {
        return tried.stream().map(r -> "error".equals(r.action()) || "not-tried".equals(r.action())
                ? r
                : new RecordOutcome(r.externalId(), "rolled-back", null, r.changes(), "it was " + r.action()
                        + ", but another record of this test failed, so the test's transaction was rolled back"))
                .toList();
    }

    private static ProblemException unreachable(String detail) {
        return new ProblemException(
                Problem.of(502, "Bad Gateway", "The test sync could not read the platform: " + detail,
                        List.of()));
    }
}
