package io.leakwatch.agent.report;

/** Escaping and formatting shared by the renderings. */
final class Text {
    private Text() {}

    /** Escapes for HTML and XML text and attribute values; drops the control characters XML 1.0 forbids. */
    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    if (c >= 0x20 || c == '\n' || c == '\t' || c == '\r') {
                        b.append(c);
                    } else {
                        b.append('\uFFFD');
                    }
                }
            }
        }
        return b.toString();
    }

    static String duration(long millis) {
        if (millis < 1000) {
            return millis + " ms";
        }
        if (millis < 120_000) {
            return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        return String.format(java.util.Locale.ROOT, "%.1f min", millis / 60_000.0);
    }

    static String plural(long n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
