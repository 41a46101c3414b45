package io.leakwatch.agent.model;

/** Minimal JSON text writing for every report the agent writes; the agent carries no JSON library. */
public final class Json {
    private Json() {}

    /** A JSON string, or {@code null}, with minimal escaping. */
    public static void string(StringBuilder b, String s) {
        if (s == null) {
            b.append("null");
            return;
        }
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    /** A JSON array of strings. */
    public static void array(StringBuilder b, String[] items) {
        b.append('[');
        for (int i = 0; i < items.length; i++) {
            if (i > 0) {
                b.append(", ");
            }
            string(b, items[i]);
        }
        b.append(']');
    }
}
