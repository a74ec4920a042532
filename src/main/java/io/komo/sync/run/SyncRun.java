package io.komo.sync.run;

import java.time.Instant;
import java.util.UUID;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A historical sync (backfill). {@code checkpoint} is the id of the last contact whose batch
 * committed: a run resumes after it when the process restarts, so no contact is sent twice.
 */
@Entity
@Table(name = "sync_run")
public class SyncRun extends PanacheEntityBase {

    public static final String RUNNING = "running";
    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";

    @Id
    public UUID id;

    @Column(name = "integration_id")
    public String integrationId;

    public String type;

    public String status;

    /** The request: from, to, filter (JSON). */
    @JdbcTypeCode(SqlTypes.JSON)
    public String params;

    public String checkpoint;

    public long processed;

    public long succeeded;

    public long failed;

    public Long total;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    public String error;

    /** The schedule fire time that started this run; null for runs started by hand. */
    @Column(name = "scheduled_for")
    public Instant scheduledFor;
}
