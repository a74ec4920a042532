package io.komo.sync.filter;

import java.util.Map;

/**
 * Rewrites the words {@code and}, {@code or}, {@code not} to CEL's {@code &&}, {@code ||}, {@code !} outside
 * string literals, because our API documents filters such as
 * {@code tier in ['GOLD','PLATINUM'] and 'newsletter' in lists}. Each replacement is padded to the length of
 * the word so that CEL's error positions still point into the text the user wrote.
 */
final class OperatorAliases {

    private static final Map<String, String> ALIASES = Map.of("and", "&& ", "or", "||", "not", "!  ");

    private OperatorAliases() {
    }

    static String rewrite(String expression) {
        StringBuilder out = new StringBuilder(expression.length());
        int i = 0;
        while (i < expression.length()) {
            char c = expression.charAt(i);
            if (c == '\'' || c == '"') {
                int end = endOfStringLiteral(expression, i);
                out.append(expression, i, end);
                i = end;
            } else if (Character.isLetter(c) || c == '_') {
                int end = i;
                while (end < expression.length() && isWordChar(expression.charAt(end))) {
                    end++;
                }
                String word = expression.substring(i, end);
                String alias = ALIASES.get(word);
                // after a dot the word is a map key or field (properties.and), not an operator
                boolean memberName = lastNonSpace(out) == '.';
                out.append(alias == null || memberName ? word : alias);
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** The index just past the literal opening at {@code start}; raw strings (r'..') keep backslashes literal. */
    private static int endOfStringLiteral(String s, int start) {
        char quote = s.charAt(start);
        boolean raw = start > 0 && (s.charAt(start - 1) == 'r' || s.charAt(start - 1) == 'R');
        boolean triple = s.startsWith(String.valueOf(quote).repeat(3), start);
        String closing = triple ? String.valueOf(quote).repeat(3) : String.valueOf(quote);
        int i = start + closing.length();
        while (i < s.length()) {
            if (!raw && s.charAt(i) == '\\') {
                i += 2;
            } else if (s.startsWith(closing, i)) {
                return i + closing.length();
            } else {
                i++;
            }
        }
        return s.length();
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private static char lastNonSpace(StringBuilder sb) {
        for (int i = sb.length() - 1; i >= 0; i--) {
            if (!Character.isWhitespace(sb.charAt(i))) {
                return sb.charAt(i);
            }
        }
        return 0;
    }
}
