package io.komo.sync.definition;

import java.time.Instant;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A stored integration: its definition (as JSON) and where it is in its lifecycle. */
@Entity
@Table(name = "integration")
public class Integration extends PanacheEntityBase {

    @Id
    public String id;

    public String platform;

    public String name;

    /** draft, testing, active or paused ({@link IntegrationStatus}). */
    public String status;

    /** The {@link IntegrationDefinition} as JSON. */
    @JdbcTypeCode(SqlTypes.JSON)
    public String definition;

    /** The last test sync as JSON ({@code integration.TestRecord}), null when none ran on the current definition. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "last_test")
    public String lastTest;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Version
    public long version;

    public IntegrationStatus lifecycle() {
        return IntegrationStatus.of(status);
    }
}
