package io.komo.sync.contact;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A Komo customer profile, the home side of every sync. */
@Entity
@Table(name = "contact")
public class Contact extends PanacheEntityBase {

    @Id
    public UUID id;

    /** Normalised (trimmed, lower case); unique among live contacts. */
    public String email;

    @Column(name = "first_name")
    public String firstName;

    @Column(name = "last_name")
    public String lastName;

    /** E.164. */
    public String phone;

    public String tier;

    public long points;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(columnDefinition = "text[]")
    public List<String> lists = new ArrayList<>();

    @Column(name = "subscription_status")
    public String subscriptionStatus = SubscriptionStatus.PENDING.value();

    @Column(name = "last_activity_at")
    public Instant lastActivityAt;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> properties = new LinkedHashMap<>();

    /** Field name (custom properties as {@code properties.<key>}) to the ISO-8601 instant of its last change. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "field_modified_at")
    public Map<String, String> fieldModifiedAt = new LinkedHashMap<>();

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Column(name = "deleted_at")
    public Instant deletedAt;

    @Version
    public long version;

    public static Contact findLive(UUID id) {
        return find("id = ?1 and deletedAt is null", id).firstResult();
    }

    public static Contact findLiveByEmail(String normalisedEmail) {
        return find("email = ?1 and deletedAt is null", normalisedEmail).firstResult();
    }
}
