package io.komo.sync.api;

import java.util.List;

/**
 * Text PostgreSQL can store. It refuses a NUL character anywhere (in {@code text}, {@code varchar} and as
 * <code>&#92;u0000</code> in {@code jsonb}), and the driver turns half of a UTF-16 surrogate pair into {@code ?} without a
 * word: both are refused on the way in ({@link StorableTextFilter}, {@link StorableTextInterceptor}), so a caller gets
 * a 400 naming the problem, not a 500, and nothing is changed behind their back.
 */
public final class StorableText {

    private StorableText() {
    }

    /** What makes {@code text} unstorable, or null when it can be stored. */
    public static String problem(CharSequence text) {
        if (text == null) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\0') {
                return NUL;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return UNPAIRED;
                }
            } else if (Character.isLowSurrogate(c)) {
                return UNPAIRED;
            }
        }
        return null;
    }

    /** A 400 when {@code text}, the value of {@code field}, cannot be stored. */
    public static void check(String field, CharSequence text) {
        String problem = problem(text);
        if (problem != null) {
            throw ProblemException.invalid(field, problem + ", which cannot be stored");
        }
    }

    /** The 400 for a body holding text that cannot be stored. */
    static ProblemException unstorableBody(String problem) {
        return new ProblemException(Problem.of(400, "Invalid request",
                "The body holds text that cannot be stored: " + problem,
                List.of(new FieldError("", problem + ", which cannot be stored"))));
    }

    /**
     * {@code text} with every control character and every half surrogate written as a <code>&#92;uXXXX</code> escape, so it
     * can always be stored and read (the access audit keeps what a caller sent this way, whatever it was).
     */
    public static String escape(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder escaped = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            boolean bad = Character.isISOControl(c) || (Character.isSurrogate(c) && !pair);
            if (bad && escaped == null) {
                escaped = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (escaped != null) {
                if (bad) {
                    escaped.append(String.format("\\u%04x", (int) c));
                } else if (pair) {
                    escaped.append(c).append(text.charAt(++i));
                } else {
                    escaped.append(c);
                }
            } else if (pair) {
                i++;
            }
        }
        return escaped == null ? text : escaped.toString();
    }

    static final String NUL = "a NUL character (\\u0000)";
    static final String UNPAIRED = "half of a UTF-16 surrogate pair";

    /**
     * Reads JSON text one byte (or character) at a time and finds what {@link #problem} finds in the strings it will
     * decode to: a raw NUL, the escape <code>&#92;u0000</code>, a <code>&#92;uD800</code>-<code>&#92;uDBFF</code> escape not followed at once by
     * a <code>&#92;uDC00</code>-<code>&#92;uDFFF</code> one or the other way round, and a surrogate encoded in UTF-8 (bytes
     * {@code ED A0..BF}). Escapes are ASCII, so UTF-8 bytes and characters read alike. Anything else, valid JSON or
     * not, is left to the JSON parser.
     */
    static final class JsonScan {

        private enum State {
            TEXT, ESCAPE, HEX, AFTER_HIGH, AFTER_HIGH_ESCAPE
        }

        private State state = State.TEXT;
        private int hexDigits;
        private int value;
        private boolean lowExpected;
        private int previous = -1;

        /** @return the problem found with this byte, or null */
        String feed(int b) {
            if (b == 0) {
                return NUL;
            }
            boolean encodedSurrogate = previous == 0xED && b >= 0xA0 && b <= 0xBF;
            previous = b;
            if (encodedSurrogate) {
                return UNPAIRED;
            }
            switch (state) {
                case TEXT -> {
                    if (b == '\\') {
                        state = State.ESCAPE;
                    }
                }
                case ESCAPE -> {
                    if (b == 'u') {
                        state = State.HEX;
                        hexDigits = 0;
                        value = 0;
                    } else {
                        state = State.TEXT;
                    }
                }
                case HEX -> {
                    int digit = Character.digit(b, 16);
                    if (digit < 0) {
                        // Not an escape (the parser refuses it); look at this byte afresh.
                        state = State.TEXT;
                        lowExpected = false;
                        return feed(b);
                    }
                    value = value * 16 + digit;
                    if (++hexDigits == 4) {
                        return escaped((char) value);
                    }
                }
                case AFTER_HIGH -> {
                    if (b != '\\') {
                        return UNPAIRED;
                    }
                    state = State.AFTER_HIGH_ESCAPE;
                }
                case AFTER_HIGH_ESCAPE -> {
                    if (b != 'u') {
                        return UNPAIRED;
                    }
                    state = State.HEX;
                    hexDigits = 0;
                    value = 0;
                }
                default -> throw new IllegalStateException(state.name());
            }
            return null;
        }

        /** At the end of the text: a high surrogate escape may not be the last thing in it. */
        String end() {
            return state == State.AFTER_HIGH || state == State.AFTER_HIGH_ESCAPE || lowExpected ? UNPAIRED : null;
        }

        private String escaped(char c) {
            state = State.TEXT;
            if (lowExpected) {
                lowExpected = false;
                return Character.isLowSurrogate(c) ? null : UNPAIRED;
            }
            if (c == '\0') {
                return NUL;
            }
            if (Character.isHighSurrogate(c)) {
                lowExpected = true;
                state = State.AFTER_HIGH;
                return null;
            }
            return Character.isLowSurrogate(c) ? UNPAIRED : null;
        }
    }

    /** What makes the JSON text {@code json} hold unstorable text once decoded, or null. */
    public static String jsonProblem(CharSequence json) {
        if (json == null) {
            return null;
        }
        String raw = problem(json);
        if (raw != null) {
            return raw;
        }
        JsonScan scan = new JsonScan();
        for (int i = 0; i < json.length(); i++) {
            // Characters above the ASCII range are never part of an escape; keep them out of the UTF-8 byte check.
            char c = json.charAt(i);
            String problem = scan.feed(c < 0x80 ? c : 'x');
            if (problem != null) {
                return problem;
            }
        }
        return scan.end();
    }
}
