package io.komo.sync.contact;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** Something that happened to a contact in Komo: points awarded, tier changed, a form, a competition entry. */
@Entity
@Table(name = "komo_event")
public class KomoEvent extends PanacheEntityBase {

    @Id
    public UUID id;

    public String type;

    @Column(name = "contact_id")
    public UUID contactId;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> data;

    @Column(name = "occurred_at")
    public Instant occurredAt;

    @Column(name = "received_at")
    public Instant receivedAt;
}
