package io.leakwatch.it.ops;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4. Maven Central has no parser of it for Java (the
 * Java client only writes it; the reference parser is Go's expfmt), so this checks each line against the format's
 * grammar and its rules: HELP and TYPE at most once per family and before its samples, a family's samples together,
 * no series twice, a final newline. Returns every sample as {@code name{labels}} to value.
 */
final class PromText {
    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (.*)");
    private static final Pattern TYPE =
            Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE = Pattern.compile(
            "(" + NAME + ")(\\{((?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\""
                    + "(?:,(?=[a-zA-Z_]))?)*,?)\\})? ([-+]?(?:[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?|Inf|NaN))( -?[0-9]+)?");

    private PromText() {}

    static Map<String, Double> parse(String text) {
        if (!text.endsWith("\n")) {
            throw new AssertionError("the exposition does not end with a newline");
        }
        Map<String, Double> samples = new LinkedHashMap<>();
        Set<String> helped = new HashSet<>();
        Map<String, String> typed = new LinkedHashMap<>();
        Set<String> closedFamilies = new HashSet<>();
        String current = null;
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (n > 1 && line.isEmpty() && n == text.split("\n", -1).length) {
                break; // after the final newline
            }
            Matcher help = HELP.matcher(line);
            Matcher type = TYPE.matcher(line);
            Matcher sample = SAMPLE.matcher(line);
            if (help.matches()) {
                check(helped.add(help.group(1)), n, line, "second HELP for " + help.group(1));
                check(!samplesOf(samples, help.group(1)), n, line, "HELP after samples of " + help.group(1));
            } else if (type.matches()) {
                check(typed.put(type.group(1), type.group(2)) == null, n, line, "second TYPE for " + type.group(1));
                check(!samplesOf(samples, type.group(1)), n, line, "TYPE after samples of " + type.group(1));
            } else if (line.startsWith("#")) {
                // a comment
            } else if (sample.matches()) {
                String name = sample.group(1);
                if (!name.equals(current)) {
                    check(!closedFamilies.contains(name), n, line, "samples of " + name + " are not together");
                    if (current != null) {
                        closedFamilies.add(current);
                    }
                    current = name;
                }
                if (typed.containsKey(name) && typed.get(name).equals("counter")) {
                    check(name.endsWith("_total"), n, line, "counter not named *_total");
                }
                String key = name + "{" + (sample.group(3) == null ? "" : sample.group(3)) + "}";
                check(
                        samples.put(key, Double.parseDouble(sample.group(4).replace("Inf", "Infinity"))) == null,
                        n,
                        line,
                        "series twice");
            } else {
                check(false, n, line, "not a HELP, TYPE, comment or sample line");
            }
        }
        for (String family : typed.keySet()) {
            check(samplesOf(samples, family), 0, family, "TYPE without samples");
        }
        return samples;
    }

    private static boolean samplesOf(Map<String, Double> samples, String family) {
        return samples.keySet().stream().anyMatch(k -> k.startsWith(family + "{"));
    }

    private static void check(boolean ok, int line, String text, String problem) {
        if (!ok) {
            throw new AssertionError("not Prometheus text format 0.0.4, line " + line + ": " + problem + ": " + text);
        }
    }
}
