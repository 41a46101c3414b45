package io.leakwatch.agent.config;

import io.leakwatch.agent.declared.Declaration;
import io.leakwatch.agent.declared.Declarations;
import io.leakwatch.agent.instrument.Families;
import io.leakwatch.agent.model.Durations;
import io.leakwatch.agent.model.Registry;
import io.leakwatch.agent.report.Report;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's settings, from {@code -javaagent:leakwatch-agent.jar=key=value,...} and {@code -Dleakwatch.key=value}
 * (the agent argument wins). Every bad setting is rejected with an {@link OptionException} that names the option,
 * the value and the accepted forms; nothing is ignored.
 */
public final class Options implements Registry.Settings {
    public static final String PROPERTY_PREFIX = "leakwatch.";
    /** The instrumented families, in the order they are installed. */
    public static final List<String> FAMILIES = Families.NAMES;
    /** Keys whose value is a comma-separated list: a segment without '=' continues the previous list. */
    private static final Set<String> LIST_KEYS = Set.of("kinds", "exclude", "track");

    private static final Map<String, String> KEYS = new LinkedHashMap<>();
    private static final long MAX_DURATION_MILLIS = Long.MAX_VALUE / 1_000_000;
    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h)");
    private static final Pattern METRICS =
            Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):\\d{1,5}");
    private static final Pattern METRICS_PORT = Pattern.compile("\\d{1,5}");
    private static final Pattern SAMPLE = Pattern.compile("sample:(\\d{1,9})");
    /** In {@code report=}, replaced by the process id. */
    public static final String PID_PLACEHOLDER = "{pid}";

    static {
        KEYS.put("threshold", "a duration such as 500ms, 30s, 5m or 1h");
        KEYS.put("report", "a file path ending in .json, .html or .xml, or a directory ending in / (for all three)");
        KEYS.put("failOnLeak", "true or false");
        KEYS.put("stacks", "all, off, or sample:N with N >= 1");
        KEYS.put("kinds", "a comma-separated subset of " + String.join(",", FAMILIES));
        KEYS.put("exclude", "comma-separated class or package name prefixes, such as com.acme.migrations");
        KEYS.put(
                "metrics",
                "host:port or port (0-65535) for the Prometheus endpoint, such as 127.0.0.1:9464 or 9464 (loopback)");
        KEYS.put(
                "atExit",
                "open (every handle still open at exit is a leak: for test JVMs) or aged (only those older than threshold)");
        KEYS.put("track", "comma-separated declarations " + Declaration.FORM);
        KEYS.put(
                "risks", "on or off (calls that can hang forever: requests without timeouts, pools that wait forever)");
    }

    public final long thresholdMillis;
    public final Path report;
    public final boolean failOnLeak;
    /** 1 = every acquisition, N = one in N, 0 = none. */
    public final int stackSampling;

    public final Set<String> families;
    public final List<String> exclude;
    /** Where the Prometheus endpoint listens; null when {@code metrics=} is not given. */
    public final String metricsHost;
    /** -1 when there is no Prometheus endpoint; 0 picks a free port. */
    public final int metricsPort;
    /** atExit=open: the exit report counts every handle still open, not only those older than the threshold. */
    public final boolean everyOpenAtExit;
    /** The user's own resource types ({@code track=}), in the order given. */
    public final List<Declaration> track;
    /** Whether calls that can hang forever are reported ({@code risks=off} silences them). */
    public final boolean risks;

    private final String text;

    private Options(Map<String, String> values) {
        thresholdMillis = parseDuration("threshold", values.getOrDefault("threshold", "30s"));
        report = values.containsKey("report") ? parseReport(values.get("report")) : null;
        failOnLeak = parseBoolean("failOnLeak", values.getOrDefault("failOnLeak", "false"));
        stackSampling = parseStacks(values.getOrDefault("stacks", "all"));
        families = values.containsKey("kinds") ? parseKinds(values.get("kinds")) : new LinkedHashSet<>(FAMILIES);
        exclude = values.containsKey("exclude") ? parseList("exclude", values.get("exclude")) : List.of();
        String metrics = values.get("metrics");
        metricsHost = metrics == null ? null : parseMetricsHost(metrics);
        metricsPort = metrics == null ? -1 : parseMetricsPort(metrics);
        everyOpenAtExit = parseAtExit(values.getOrDefault("atExit", "aged"));
        track = values.containsKey("track") ? parseTrack(values.get("track")) : List.of();
        risks = parseOnOff("risks", values.getOrDefault("risks", "on"));
        text = printable("threshold=" + formatDuration(thresholdMillis) + ", stacks=" + stacksText() + ", kinds="
                + String.join(",", families) + (report == null ? "" : ", report=" + report)
                + (failOnLeak ? ", failOnLeak=true" : "")
                + (exclude.isEmpty() ? "" : ", exclude=" + String.join(",", exclude))
                + (metrics == null ? "" : ", metrics=" + metricsHost + ":" + metricsPort)
                + (everyOpenAtExit ? ", atExit=open" : "")
                + (track.isEmpty()
                        ? ""
                        : ", track="
                                + track.stream().map(d -> d.text).collect(java.util.stream.Collectors.joining(",")))
                + (risks ? "" : ", risks=off"));
    }

    public static Options defaults() {
        return new Options(Map.of());
    }

    /** The agent argument merged over the {@code leakwatch.*} system properties. */
    public static Options parse(String agentArgs, Properties systemProperties) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : systemProperties.stringPropertyNames()) {
            // leakwatch.junit.* are the JUnit extension's configuration parameters, which JUnit also reads from system
            // properties.
            if (name.startsWith(PROPERTY_PREFIX) && !name.startsWith(PROPERTY_PREFIX + "junit.")) {
                String key = name.substring(PROPERTY_PREFIX.length());
                checkKey(key, "-D" + name);
                values.put(key, systemProperties.getProperty(name).trim());
            }
        }
        values.putAll(parseArgs(agentArgs));
        return new Options(values);
    }

    public static Options parse(String agentArgs) {
        return new Options(parseArgs(agentArgs));
    }

    static Map<String, String> parseArgs(String args) {
        Map<String, String> values = new LinkedHashMap<>();
        if (args == null || args.isBlank()) {
            return values;
        }
        String listKey = null;
        for (String segment : args.split(",", -1)) {
            String part = segment.trim();
            int eq = part.indexOf('=');
            if (eq < 0) {
                if (listKey != null && !part.isEmpty()) {
                    values.put(listKey, values.get(listKey) + "," + part);
                    continue;
                }
                throw new OptionException("leakwatch: option '" + printable(part)
                        + "' has no value: write key=value, with key one of " + String.join(", ", KEYS.keySet()));
            }
            String key = part.substring(0, eq).trim();
            checkKey(key, key);
            if (values.containsKey(key)) {
                throw new OptionException("leakwatch: option " + key + " is given twice");
            }
            values.put(key, part.substring(eq + 1).trim());
            listKey = LIST_KEYS.contains(key) ? key : null;
        }
        return values;
    }

    private static void checkKey(String key, String as) {
        if (!KEYS.containsKey(key)) {
            String suggestion = KEYS.keySet().stream()
                    .filter(k -> k.equalsIgnoreCase(key)
                            || distance(k.toLowerCase(Locale.ROOT), key.toLowerCase(Locale.ROOT)) <= 2)
                    .findFirst()
                    .map(k -> " (did you mean " + k + "?)")
                    .orElse("");
            throw new OptionException("leakwatch: unknown option '" + printable(as) + "'" + suggestion
                    + "; valid options are " + String.join(", ", KEYS.keySet()));
        }
    }

    private static OptionException bad(String key, String value) {
        return new OptionException("leakwatch: invalid value for option " + key + ": '" + printable(value)
                + "'; expected " + KEYS.get(key));
    }

    /** The text with line breaks and other control characters escaped, so that a message stays one line. */
    private static String printable(Object text) {
        String s = String.valueOf(text);
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
            if (control && sb == null) {
                sb = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            if (sb != null) {
                if (!control) {
                    sb.append(c);
                } else if (c == '\n') {
                    sb.append("\\n");
                } else if (c == '\r') {
                    sb.append("\\r");
                } else if (c == '\t') {
                    sb.append("\\t");
                } else {
                    sb.append(String.format("\\u%04x", (int) c));
                }
            }
        }
        return sb == null ? s : sb.toString();
    }

    public static long parseDuration(String key, String value) {
        Matcher m = DURATION.matcher(value);
        if (!m.matches()) {
            throw bad(key, value);
        }
        long n = Long.parseLong(m.group(1));

        long unit = switch (m.group(2)) {
            case "ms" -> 1;
            case "s" -> 1000;
            case "m" -> 60_000;
            default -> 3_600_000;
        };
        // the registry counts in nanoseconds: a longer duration would overflow to a negative threshold
        if (n > MAX_DURATION_MILLIS / unit) {
            throw bad(key, value);
        }
        return n * unit;
    }

    public static String formatDuration(long millis) {
        return Durations.format(millis);
    }

    private static boolean parseBoolean(String key, String value) {
        if (value.equals("true")) return true;
        if (value.equals("false")) return false;
        throw bad(key, value);
    }

    private static boolean parseOnOff(String key, String value) {
        if (value.equals("on")) return true;
        if (value.equals("off")) return false;
        throw bad(key, value);
    }

    private static int parseStacks(String value) {
        if (value.equals("all")) return 1;
        if (value.equals("off")) return 0;
        Matcher m = SAMPLE.matcher(value);
        if (m.matches() && Integer.parseInt(m.group(1)) >= 1) {
            return Integer.parseInt(m.group(1));
        }
        throw bad("stacks", value);
    }

    private static Set<String> parseKinds(String value) {
        Set<String> kinds = new LinkedHashSet<>();
        for (String kind : parseList("kinds", value)) {
            if (!FAMILIES.contains(kind)) {
                throw new OptionException("leakwatch: invalid value for option kinds: unknown family '"
                        + printable(kind) + "'; expected " + KEYS.get("kinds"));
            }
            kinds.add(kind);
        }
        Set<String> ordered = new LinkedHashSet<>(FAMILIES);
        ordered.retainAll(kinds);
        return Collections.unmodifiableSet(ordered);
    }

    private static List<String> parseList(String key, String value) {
        List<String> items = new ArrayList<>();
        for (String item : value.split(",", -1)) {
            if (!item.isBlank()) {
                items.add(item.trim());
            }
        }
        if (items.isEmpty()) {
            throw bad(key, value);
        }
        return List.copyOf(items);
    }

    private static Path parseReport(String value) {
        if (value.isEmpty()) {
            throw bad("report", value);
        }
        // One argLine serves every forked test JVM (Surefire forkCount, reuseForks=false): {pid} gives each its own
        // file.
        value = value.replace(
                PID_PLACEHOLDER, Long.toString(ProcessHandle.current().pid()));
        Path path;
        try {
            path = Paths.get(value).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw bad("report", value);
        }
        boolean directory = value.endsWith("/") || Files.isDirectory(path);
        if (!directory && !Report.FORMATS.contains(Report.extension(path))) {
            throw new OptionException("leakwatch: invalid value for option report: '" + printable(value)
                    + "': unsupported file extension; expected " + KEYS.get("report"));
        }
        Path dir = directory ? path : path.getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException | SecurityException e) {
            throw new OptionException("leakwatch: invalid value for option report: '" + printable(value)
                    + "': cannot create directory " + printable(dir) + " ("
                    + e.getClass().getSimpleName() + "); give a path in a writable directory");
        }
        if (!Files.isWritable(dir) || (!directory && Files.exists(path) && !Files.isWritable(path))) {
            throw new OptionException("leakwatch: invalid value for option report: '" + printable(value) + "': "
                    + printable(Files.exists(path) && !directory ? path : dir)
                    + " is not writable; give a path in a writable directory");
        }
        return directory ? path.resolve("") : path;
    }

    /** {@code host:port}, {@code [v6]:port} or a bare port, which means loopback. */
    private static String parseMetricsHost(String value) {
        if (METRICS_PORT.matcher(value).matches()) {
            return "127.0.0.1";
        }
        Matcher m = METRICS.matcher(value);
        if (!m.matches()) {
            throw bad("metrics", value);
        }
        return m.group(1);
    }

    private static int parseMetricsPort(String value) {
        String port = value.substring(value.lastIndexOf(':') + 1);
        if (!METRICS_PORT.matcher(port).matches() || Integer.parseInt(port) > 65535) {
            throw bad("metrics", value);
        }
        return Integer.parseInt(port);
    }

    private static boolean parseAtExit(String value) {
        if (value.equals("open")) return true;
        if (value.equals("aged")) return false;
        throw bad("atExit", value);
    }

    private String stacksText() {
        return stackSampling == 1 ? "all" : stackSampling == 0 ? "off" : "sample:" + stackSampling;
    }

    @Override
    public long thresholdMillis() {
        return thresholdMillis;
    }

    @Override
    public int stackSampling() {
        return stackSampling;
    }

    @Override
    public List<String> exclude() {
        return exclude;
    }

    public boolean enabled(String family) {
        return families.contains(family) || (family.equals("track") && !track.isEmpty());
    }

    private static List<Declaration> parseTrack(String value) {
        List<Declaration> declarations = new ArrayList<>();
        for (String item : parseList("track", value)) {
            try {
                declarations.addAll(Declarations.parse(item));
            } catch (IllegalArgumentException e) {
                throw new OptionException("leakwatch: invalid value for option track: " + printable(e.getMessage())
                        + "; expected " + KEYS.get("track"));
            }
        }
        return List.copyOf(declarations);
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(
                        Math.min(cur[j - 1], prev[j]) + 1, prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    @Override
    public String toString() {
        return text;
    }

    /** A setting the agent refuses; its message is the one line the user sees. */
    public static final class OptionException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public OptionException(String message) {
            super(message);
        }
    }
}
