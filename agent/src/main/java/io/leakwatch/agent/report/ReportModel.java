package io.leakwatch.agent.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A JSON report (schema 1) read back, typed: what the HTML and JUnit XML renderings and {@code leakwatch check}
 * work from, so every format shows the numbers of the JSON file, whether written at exit or read from disk.
 */
public final class ReportModel {
    public static final int SCHEMA = 1;

    public final String agentVersion;
    public final String javaVersion;
    public final String javaVendor;
    public final long pid;
    public final long uptimeMillis;
    public final String generatedAt;
    public final long thresholdMillis;
    public final long acquired;
    public final long released;
    public final long open;
    public final long leaks;
    /** Handles past the threshold still in use by their thread (0 in reports written before long holds existed). */
    public final long longHolds;

    public final long lateReleases;
    public final long dropped;
    public final long internalErrors;
    public final List<GroupModel> leakGroups;
    public final List<GroupModel> longHoldGroups;
    public final List<GroupModel> lateReleaseGroups;
    /** Kinds charted in {@link #timeline}, in its column order (after the time column). */
    public final List<String> timelineKinds;
    /** Rows of {millis since the agent started, open handles of each timeline kind}. */
    public final List<long[]> timeline;
    /** Calls that can hang and per-target reuse: never part of the leak figures. */
    public final DiagnosisModel diagnosis;

    private ReportModel(Map<String, Object> root) {
        Object schema = root.get("schema");
        if (!(schema instanceof Long l)) {
            throw new ReportException("no \"schema\" number: not a leakwatch report");
        }
        if (l != SCHEMA) {
            throw new ReportException("unsupported schema " + schema + "; this leakwatch reads schema " + SCHEMA);
        }
        agentVersion = optString(root, "agentVersion", "unknown");
        Map<String, Object> jvm = optObject(root, "jvm");
        javaVersion = optString(jvm, "javaVersion", "unknown");
        javaVendor = optString(jvm, "vendor", "unknown");
        pid = optLong(jvm, "pid", -1);
        uptimeMillis = optLong(jvm, "uptimeMillis", -1);
        generatedAt = optString(root, "generatedAt", null);
        thresholdMillis = requiredLong(root, "thresholdMillis", "");
        Map<String, Object> summary = object(root.get("summary"), "summary");
        acquired = requiredLong(summary, "acquired", "summary.");
        released = requiredLong(summary, "released", "summary.");
        open = requiredLong(summary, "open", "summary.");
        leaks = requiredLong(summary, "leaks", "summary.");
        longHolds = optLong(summary, "longHolds", 0);
        lateReleases = optLong(summary, "lateReleases", 0);
        dropped = optLong(summary, "dropped", 0);
        internalErrors = optLong(summary, "internalErrors", 0);
        leakGroups = groups(root.get("leaks"), "leaks");
        longHoldGroups = root.containsKey("longHolds") ? groups(root.get("longHolds"), "longHolds") : List.of();
        lateReleaseGroups =
                root.containsKey("lateReleases") ? groups(root.get("lateReleases"), "lateReleases") : List.of();
        List<String> kinds = new ArrayList<>();
        List<long[]> rows = new ArrayList<>();
        Map<String, Object> t = optObject(root, "timeline");
        if (!t.isEmpty()) {
            for (Object k : list(t.get("kinds"), "timeline.kinds")) {
                kinds.add(string(k, "timeline.kinds[]"));
            }
            for (Object p : list(t.get("points"), "timeline.points")) {
                List<Object> point = list(p, "timeline.points[]");
                if (point.size() != kinds.size() + 1) {
                    throw new ReportException(
                            "timeline.points: a row has " + point.size() + " numbers, expected " + (kinds.size() + 1));
                }
                long[] row = new long[point.size()];
                for (int i = 0; i < row.length; i++) {
                    row[i] = number(point.get(i), "timeline.points[][]");
                }
                rows.add(row);
            }
        }
        timelineKinds = Collections.unmodifiableList(kinds);
        timeline = Collections.unmodifiableList(rows);
        diagnosis = DiagnosisModel.of(root);
    }

    /** Parses a report's text; throws {@link ReportException} (or its JSON subclass) naming what is wrong. */
    public static ReportModel parse(String json) {
        Object root;
        try {
            root = JsonParser.parse(json);
        } catch (JsonParser.JsonException e) {
            throw new ReportException(e.getMessage());
        }
        return new ReportModel(object(root, "the top level"));
    }

    public long leakGroupCount() {
        return leakGroups.size();
    }

    private static List<GroupModel> groups(Object value, String field) {
        List<GroupModel> groups = new ArrayList<>();
        for (Object o : list(value, field)) {
            Map<String, Object> g = object(o, field + "[]");
            List<String> stack = new ArrayList<>();
            for (Object line : list(g.get("stack"), field + "[].stack")) {
                stack.add(string(line, field + "[].stack[]"));
            }
            String target = optString(g, "target", null);
            List<String> targets = new ArrayList<>();
            if (g.containsKey("targets")) {
                for (Object t : list(g.get("targets"), field + "[].targets")) {
                    targets.add(t == null ? null : string(t, field + "[].targets[]"));
                }
            } else {
                targets.add(target);
            }
            HolderModel holder = null;
            if (g.get("holder") != null) {
                Map<String, Object> h = object(g.get("holder"), field + "[].holder");
                List<String> at = new ArrayList<>();
                if (h.containsKey("at")) {
                    for (Object frame : list(h.get("at"), field + "[].holder.at")) {
                        at.add(string(frame, field + "[].holder.at[]"));
                    }
                }
                holder = new HolderModel(
                        string(h.get("state"), field + "[].holder.state"),
                        optString(h, "thread", null),
                        optString(h, "threadState", null),
                        Collections.unmodifiableList(at));
            }
            groups.add(new GroupModel(
                    string(g.get("kind"), field + "[].kind"),
                    string(g.get("reason"), field + "[].reason"),
                    requiredLong(g, "count", field + "[]."),
                    optLong(g, "oldestAgeMillis", 0),
                    optLong(g, "heldMillis", 0),
                    optString(g, "thread", null),
                    target,
                    Collections.unmodifiableList(stack),
                    Collections.unmodifiableList(targets),
                    optLong(g, "targetCount", targets.size()),
                    optString(g, "releasedBy", null),
                    holder));
        }
        return Collections.unmodifiableList(groups);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object value, String field) {
        if (!(value instanceof Map)) {
            throw new ReportException(field + " is " + describe(value) + ", expected an object");
        }
        return (Map<String, Object>) value;
    }

    private static Map<String, Object> optObject(Map<String, Object> map, String key) {
        return map.containsKey(key) ? object(map.get(key), key) : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value, String field) {
        if (!(value instanceof List)) {
            throw new ReportException(field + " is " + describe(value) + ", expected an array");
        }
        return (List<Object>) value;
    }

    private static String string(Object value, String field) {
        if (!(value instanceof String string)) {
            throw new ReportException(field + " is " + describe(value) + ", expected a string");
        }
        return string;
    }

    private static long number(Object value, String field) {
        if (!(value instanceof Long l) || l < 0) {
            throw new ReportException(field + " is " + describe(value) + ", expected a whole number >= 0");
        }
        return l;
    }

    private static long requiredLong(Map<String, Object> map, String key, String prefix) {
        if (!map.containsKey(key)) {
            throw new ReportException("missing " + prefix + key);
        }
        return number(map.get(key), prefix + key);
    }

    private static long optLong(Map<String, Object> map, String key, long otherwise) {
        Object v = map.get(key);
        return v instanceof Long l ? l : otherwise;
    }

    private static String optString(Map<String, Object> map, String key, String otherwise) {
        Object v = map.get(key);
        return v instanceof String string ? string : otherwise;
    }

    private static String describe(Object value) {
        if (value == null) {
            return "missing or null";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof List) {
            return "an array";
        }
        if (value instanceof Map) {
            return "an object";
        }
        return value instanceof Boolean ? "a boolean" : "the number " + value;
    }

    /** Who held a group's handles (its first handle) when judged. */
    public static final class HolderModel {
        /** "in-use", "abandoned" or "unknown". */
        public final String state;

        public final String thread;
        public final String threadState;
        /** The holder thread's frames when judged, top first. */
        public final List<String> at;

        HolderModel(String state, String thread, String threadState, List<String> at) {
            this.state = state;
            this.thread = thread;
            this.threadState = threadState;
            this.at = at;
        }

        /** One line: "in use: thread w RUNNABLE in SocketInputStream.read" or "abandoned: thread w has ended". */
        public String text() {
            String now = at.isEmpty() ? "" : " in " + at.get(0);
            switch (state) {
                case "in-use" -> {
                    return "in use: thread " + thread + " " + threadState + now;
                }
                case "unknown" -> {
                    return "holder unknown (allocation stack not captured), counted as a leak";
                }
                default -> {
                    if (threadState == null) {
                        return "abandoned: never closed by the application";
                    }
                    return threadState.equals("TERMINATED")
                            ? "abandoned: thread " + thread + " has ended"
                            : "abandoned: thread " + thread + " left the acquiring method; now " + threadState + now;
                }
            }
        }
    }

    /** One leak, long-hold or late-release group. */
    public static final class GroupModel {
        public final String kind;
        public final String reason;
        public final long count;
        public final long oldestAgeMillis;
        public final long heldMillis;
        public final String thread;
        /** The first example target ({@link #targets}' first). */
        public final String target;

        public final List<String> stack;
        /** A few example targets, the first seen first (null stands for unknown). */
        public final List<String> targets;
        /** Distinct targets of the group. */
        public final long targetCount;
        /** For reason "released-by-parent", the parent's kind; else null. */
        public final String releasedBy;
        /** Null in reports without holder information (and in late releases never judged). */
        public final HolderModel holder;

        GroupModel(
                String kind,
                String reason,
                long count,
                long oldestAgeMillis,
                long heldMillis,
                String thread,
                String target,
                List<String> stack,
                List<String> targets,
                long targetCount,
                String releasedBy,
                HolderModel holder) {
            this.kind = kind;
            this.reason = reason;
            this.count = count;
            this.oldestAgeMillis = oldestAgeMillis;
            this.heldMillis = heldMillis;
            this.thread = thread;
            this.target = target;
            this.stack = stack;
            this.targets = targets;
            this.targetCount = targetCount;
            this.releasedBy = releasedBy;
            this.holder = holder;
        }

        /** "jdbc:h2:mem:a", or "http://h:80/pet/1, http://h:80/pet/2 and 10 more (12 targets)". */
        public String targetText() {
            if (targetCount <= 1 || targets.size() <= 1) {
                return target == null ? "unknown" : target;
            }
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < targets.size(); i++) {
                b.append(i == 0 ? "" : ", ").append(targets.get(i) == null ? "unknown" : targets.get(i));
            }
            if (targetCount > targets.size()) {
                b.append(" and ").append(targetCount - targets.size()).append(" more");
            }
            return b.append(" (").append(targetCount).append(" targets)").toString();
        }

        /** Index in {@link #stack} of the first frame that is not the JDK's (the application's line), or -1. */
        public int appFrame() {
            for (int i = 0; i < stack.size(); i++) {
                if (!isJdk(stack.get(i))) {
                    return i;
                }
            }
            return stack.isEmpty() ? -1 : 0;
        }

        public String topFrame() {
            int i = appFrame();
            return i < 0 ? "(allocation stack not captured)" : stack.get(i);
        }

        private static boolean isJdk(String frame) {
            int paren = frame.indexOf('(');
            String name = frame.substring(frame.lastIndexOf('/', paren < 0 ? frame.length() - 1 : paren) + 1);
            return name.startsWith("java.")
                    || name.startsWith("jdk.")
                    || name.startsWith("sun.")
                    || name.startsWith("javax.")
                    || name.startsWith("com.sun.");
        }

        /** What the reason means, for people. */
        public String reasonText(long thresholdMillis) {
            return switch (reason) {
                case "threshold" -> "held past " + Text.duration(thresholdMillis);
                case "collected" -> "never closed; garbage-collected after " + Text.duration(oldestAgeMillis);
                case "released-by-parent" ->
                    "never closed; released by its "
                            + (releasedBy == null ? "parent" : releasedBy.substring(releasedBy.lastIndexOf('.') + 1))
                            + " after "
                            + Text.duration(heldMillis);
                case "in-use" -> "in use past " + Text.duration(thresholdMillis);
                case "open-at-exit" -> "open at exit";
                case "late-release" -> "released late";
                default -> reason;
            };
        }
    }

    /** A report that cannot be read: the message says what is wrong. */
    public static class ReportException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public ReportException(String message) {
            super(message);
        }
    }
}
