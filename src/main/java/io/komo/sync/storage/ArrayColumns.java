package io.komo.sync.storage;

import java.lang.reflect.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The parameters of a statement that takes many rows as one array per column
 * ({@code INSERT ... SELECT ... FROM unnest(?::uuid[], ?::text[], ...)}): one round trip and one plan for a
 * thousand rows, where a JDBC batch is rewritten into many multi-row statements, each parsed and planned with
 * hundreds of parameters. Each column is bound as an array of its Java type, so the driver encodes it as
 * it would a single value of that type.
 *
 * @param <R> what one row is made from
 */
public final class ArrayColumns<R> {

    private record Column<R>(String sqlType, Class<?> javaType, Function<R, ?> value) {
    }

    private final List<Column<R>> columns = new ArrayList<>();

    /** The next parameter: {@code sqlType} as in {@code ?::sqlType[]}, each row's value of {@code javaType}. */
    public <V> ArrayColumns<R> column(String sqlType, Class<V> javaType, Function<R, V> value) {
        columns.add(new Column<>(sqlType, javaType, value));
        return this;
    }

    /**
     * Binds the columns of {@code rows}, in order, to the statement's parameters from the first; the index of
     * the parameter after them.
     */
    public int bind(Connection connection, PreparedStatement statement, List<R> rows) throws SQLException {
        for (int c = 0; c < columns.size(); c++) {
            Column<R> column = columns.get(c);
            Object[] values = (Object[]) Array.newInstance(column.javaType(), rows.size());
            for (int r = 0; r < rows.size(); r++) {
                values[r] = column.value().apply(rows.get(r));
            }
            statement.setArray(c + 1, connection.createArrayOf(column.sqlType(), values));
        }
        return columns.size() + 1;
    }
}
