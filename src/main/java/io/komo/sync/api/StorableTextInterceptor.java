package io.komo.sync.api;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

/**
 * Checks every JSON request body, as the JSON reader reads it, for text PostgreSQL cannot store once decoded
 * ({@link StorableText}): a NUL (<code>&#92;u0000</code>) or half of a surrogate pair anywhere, in a value or a key, however
 * deep, whatever type the body is read into. Such a body is a 400 problem, before any of it is used; it used to reach
 * the database and answer 500. The check runs over the bytes as they stream, without a copy of the body.
 */
@Provider
public class StorableTextInterceptor implements ReaderInterceptor {

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException, WebApplicationException {
        MediaType type = context.getMediaType();
        if (type == null || !(type.getSubtype().equals("json") || type.getSubtype().endsWith("+json"))) {
            return context.proceed();
        }
        CheckedStream checked = new CheckedStream(context.getInputStream());
        context.setInputStream(checked);
        try {
            Object body = context.proceed();
            if (checked.problem != null) {
                throw StorableText.unstorableBody(checked.problem);
            }
            return body;
        } catch (IOException | RuntimeException e) {
            // The JSON reader may wrap what the stream threw in its own exceptions: the finding decides the answer.
            if (checked.problem != null) {
                throw StorableText.unstorableBody(checked.problem);
            }
            throw e;
        }
    }

    /** Scans the bytes it passes on; stops the reader at the first unstorable text. */
    private static final class CheckedStream extends FilterInputStream {

        private final StorableText.JsonScan scan = new StorableText.JsonScan();
        private String problem;

        CheckedStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b < 0) {
                found(scan.end());
            } else {
                found(scan.feed(b));
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int read = super.read(buffer, offset, length);
            if (read < 0) {
                found(scan.end());
            }
            for (int i = 0; i < read; i++) {
                found(scan.feed(buffer[offset + i] & 0xFF));
            }
            return read;
        }

        private void found(String problem) throws IOException {
            if (problem != null && this.problem == null) {
                this.problem = problem;
            }
            if (this.problem != null) {
                throw new IOException("The body holds text that cannot be stored: " + this.problem);
            }
        }
    }
}
