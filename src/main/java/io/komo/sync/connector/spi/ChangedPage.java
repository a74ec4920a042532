package io.komo.sync.connector.spi;

import java.time.Instant;
import java.util.List;

/**
 * A page of records the platform changed, answered to {@link Connector#readChangedSince}.
 *
 * <p>Two positions, kept apart because they mean different things. {@code nextCursor} is where the <em>same</em>
 * read goes on (a page token or offset, opaque to the engine; null on the last page): it is only ever passed back
 * with the same {@code since}. {@code watermark} is how far the platform's <em>changes</em> are read: the newest
 * change time this page covers. The engine keeps the newest watermark of the pages it committed and starts the
 * next incremental pull from it, less an overlap (so a record the platform committed late, with a change time just
 * before the watermark, or one changed at exactly that instant, is read again rather than lost); a record read twice
 * is harmless, the 3-way merge finds nothing new in it.
 *
 * @param watermark the platform's own mark when it gives one (a server time, the newest {@code lastmodifieddate}),
 *                  else the newest {@link InboundRecord#changedAt()} of the page; null when the page cannot say,
 *                  and then the engine takes the newest {@code changedAt} of its records
 */
public record ChangedPage(List<InboundRecord> records, String nextCursor, Instant watermark) {

    /** A page that gives no watermark of its own. */
    public ChangedPage(List<InboundRecord> records, String nextCursor) {
        this(records, nextCursor, null);
    }
}
