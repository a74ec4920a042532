package io.komo.sync.connector.spi;

import java.util.List;

/** A page of changed records and the cursor of the next page; {@code nextCursor} is null on the last page. */
public record ChangedPage(List<InboundRecord> records, String nextCursor) {
}
