package org.fbs.build;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a kobo config file (kobo/conf.py: {@code key = value} lines whose values are Python literals) into Java
 * values, for the tests: strings, numbers, {@code True/False/None}, lists and tuples (both as {@link List}), dicts
 * (as {@link Map}). Anything else (names, expressions, a key given twice) is an error: FBS writes none.
 */
final class PythonLiterals {

    private final String text;
    private int at;

    private PythonLiterals(String text) {
        this.text = text;
    }

    /** Every key of a kobo config, in order, with its value. */
    static Map<String, Object> config(String config) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String line : config.split("\n")) {
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("not 'key = value': " + line);
            }
            String key = line.substring(0, eq).strip();
            if (!key.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("not a key: " + key);
            }
            PythonLiterals p = new PythonLiterals(line.substring(eq + 1));
            Object value = p.value();
            p.blanks();
            if (p.at != p.text.length()) {
                throw new IllegalArgumentException("trailing text after the value of " + key + ": " + line);
            }
            if (out.containsKey(key)) {
                throw new IllegalArgumentException("key given twice: " + key);
            }
            out.put(key, value);
        }
        return out;
    }

    private void blanks() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
    }

    private Object value() {
        blanks();
        char c = text.charAt(at);
        switch (c) {
            case '"', '\'':
                return string(c);
            case '[':
                at++;
                return items(']');
            case '(':
                at++;
                return items(')');
            case '{':
                at++;
                return dict();
            default:
                return word();
        }
    }

    private String string(char quote) {
        StringBuilder out = new StringBuilder();
        at++;
        while (true) {
            char c = text.charAt(at++);
            if (c == quote) {
                return out.toString();
            }
            if (c == '\\') {
                char e = text.charAt(at++);
                switch (e) {
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'x' -> {
                        out.append((char) Integer.parseInt(text.substring(at, at + 2), 16));
                        at += 2;
                    }
                    default -> out.append(e);
                }
            } else if (c == '\n') {
                throw new IllegalArgumentException("newline in a string");
            } else {
                out.append(c);
            }
        }
    }

    private List<Object> items(char end) {
        List<Object> out = new ArrayList<>();
        while (true) {
            blanks();
            if (text.charAt(at) == end) {
                at++;
                return out;
            }
            out.add(value());
            blanks();
            if (text.charAt(at) == ',') {
                at++;
            } else if (text.charAt(at) != end) {
                throw new IllegalArgumentException("expected , or " + end + " at " + at + ": " + text);
            }
        }
    }

    private Map<Object, Object> dict() {
        Map<Object, Object> out = new LinkedHashMap<>();
        while (true) {
            blanks();
            if (text.charAt(at) == '}') {
                at++;
                return out;
            }
            Object key = value();
            blanks();
            if (text.charAt(at++) != ':') {
                throw new IllegalArgumentException("expected : at " + at + ": " + text);
            }
            out.put(key, value());
            blanks();
            if (text.charAt(at) == ',') {
                at++;
            }
        }
    }

    private Object word() {
        int start = at;
        while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || "._-+".indexOf(text.charAt(at)) >= 0)) {
            at++;
        }
        String word = text.substring(start, at);
        return switch (word) {
            case "True" -> Boolean.TRUE;
            case "False" -> Boolean.FALSE;
            case "None" -> null;
            default -> {
                if (word.matches("-?[0-9]+")) {
                    yield Long.parseLong(word);
                }
                if (word.matches("-?[0-9]+\\.[0-9]+")) {
                    yield Double.parseDouble(word);
                }
                throw new IllegalArgumentException("not a Python literal: '" + word + "' in " + text);
            }
        };
    }
}
