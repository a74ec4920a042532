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
 * A historical sync. An outbound run (backfill) sends Komo's contacts: {@code checkpoint} is the id of the last
 * contact whose batch committed, and a run resumes after it when the process restarts, so no contact is sent twice.
 * An inbound run (pull) reads the platform's changed records: {@code checkpoint} is the platform's cursor of the next
 * page and {@code watermark} the newest change time of the pages read, both moved in the transaction that stores a
 * page for the inbound merge.
 */
@Entity
@Table(name = "sync_run")
public class SyncRun extends PanacheEntityBase {

    public static final String RUNNING = "running";
    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";
    public static final String OUTBOUND = "outbound";
    public static final String INBOUND = "inbound";

    @Id
    public UUID id;

    @Column(name = "integration_id")
    public String integrationId;

    public String type;

    /** {@link #OUTBOUND}: sends Komo's contacts; {@link #INBOUND}: pulls the platform's records. */
    public String direction;

    public String status;

    /** The request: from, to, filter (JSON). */
    @JdbcTypeCode(SqlTypes.JSON)
    public String params;

    public String checkpoint;

    /** A pull's newest platform change time read so far; the next incremental pull starts from it, less an overlap. */
    public Instant watermark;

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
