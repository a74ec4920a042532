package io.komo.sync.api;

import java.util.List;

/** A page of a list answer; {@code nextCursor} is null on the last page. */
public record Page<T>(List<T> items, String nextCursor) {
}
