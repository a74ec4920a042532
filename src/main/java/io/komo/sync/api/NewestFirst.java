package io.komo.sync.api;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Keyset pagination of rows listed newest first by {@code (created_at, id)}: the cursor is the key of
 * the last row of a page, so a page stays stable while new rows arrive at the top. The cursor is
 * opaque to callers (base64url of {@code <created_at>|<id>}).
 */
public record NewestFirst(Instant createdAt, UUID id) {

    /** The condition a query adds, with {@link #bind} filling its two parameters. */
    public static final String AFTER = "(created_at, id) < (?, ?)";
    public static final String ORDER = " ORDER BY created_at DESC, id DESC LIMIT ?";

    public static NewestFirst parse(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(raw.trim()), StandardCharsets.UTF_8).split("\\|",
                    2);
            if (parts.length == 2) {
                return new NewestFirst(Instant.parse(parts[0]), UUID.fromString(parts[1]));
            }
        } catch (IllegalArgumentException | DateTimeParseException e) {
            // answered below
        }
        throw ProblemException.invalid("cursor", "is not a valid cursor");
    }

    public String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((createdAt + "|" + id).getBytes(StandardCharsets.UTF_8));
    }

    /** Binds this key at {@code index} and {@code index + 1}; returns the next free index. */
    public int bind(PreparedStatement statement, int index) throws SQLException {
        statement.setTimestamp(index, Timestamp.from(createdAt));
        statement.setObject(index + 1, id);
        return index + 2;
    }

    /** A page of at most {@code limit} rows from a query that asked for {@code limit + 1}. */
    public static <T> Page<T> page(List<T> rows, int limit, Function<T, NewestFirst> key) {
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        List<T> items = rows.subList(0, limit);
        return new Page<>(List.copyOf(items), key.apply(items.get(limit - 1)).encode());
    }

    /** Reads the rows a prepared list query answers. */
    @FunctionalInterface
    public interface Rows<T> {
        List<T> read(PreparedStatement statement) throws SQLException;
    }

    /**
     * One page of a list, newest first: {@code from} (columns and table) with each filter that is set ({@code column =
     * value}, in order; a null value means "any"), after the cursor when there is one.
     */
    public static <T> Page<T> list(Connection connection, String from, Map<String, Object> filters, NewestFirst after,
            int limit, Rows<T> rows, Function<T, NewestFirst> key) throws SQLException {
        StringBuilder sql = new StringBuilder(from).append(" WHERE true");
        List<Object> params = new ArrayList<>();
        filters.forEach((column, value) -> {
            if (value != null) {
                sql.append(" AND ").append(column).append(" = ?");
                params.add(value);
            }
        });
        if (after != null) {
            sql.append(" AND ").append(AFTER);
        }
        sql.append(ORDER);
        try (PreparedStatement read = connection.prepareStatement(sql.toString())) {
            int index = 1;
            for (Object param : params) {
                read.setObject(index++, param);
            }
            if (after != null) {
                index = after.bind(read, index);
            }
            read.setInt(index, limit + 1);
            return page(rows.read(read), limit, key);
        }
    }
}
