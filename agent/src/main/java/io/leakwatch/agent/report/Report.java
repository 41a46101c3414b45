package io.leakwatch.agent.report;

import io.leakwatch.agent.detect.Diagnosis;
import io.leakwatch.agent.instrument.AgentJar;
import io.leakwatch.agent.model.Group;
import io.leakwatch.agent.model.Holder;
import io.leakwatch.agent.model.Json;
import io.leakwatch.agent.model.Registry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** What the agent found, at one moment: the summary, the leak groups, the long holds and the late releases. */
public final class Report {
    public static final int SCHEMA = 1;

    public final long thresholdMillis;
    public final long acquired;
    public final long released;
    public final long open;
    public final long leaks;
    /** Handles past the threshold held by a live thread still inside the acquiring method: not leaks. */
    public final long longHolds;

    public final long lateReleaseCount;
    public final long dropped;
    public final long internalErrors;
    public final List<Group> leakGroups;
    public final List<Group> longHoldGroups;
    public final List<Group> lateReleases;
    public final long generatedAtMillis = System.currentTimeMillis();
    final List<String> timelineKinds = new ArrayList<>();
    final long[][] timeline;
    final long startedAtMillis;

    private Report(Registry r, List<Group> leakGroups, List<Group> longHoldGroups) {
        Comparator<Group> byCount = Comparator.comparingLong(Group::count)
                .reversed()
                .thenComparing(Comparator.comparingLong(Group::oldestAgeMillis).reversed());
        leakGroups.sort(byCount);
        this.leakGroups = leakGroups;
        longHoldGroups.sort(byCount);
        this.longHoldGroups = longHoldGroups;
        this.lateReleases = Registry.copies(r.lateReleases.values());
        this.lateReleases.sort(byCount);
        this.thresholdMillis = r.thresholdMillis();
        this.acquired = r.total(s -> s.acquired.sum());
        this.released = r.total(s -> s.released.sum());
        this.open = r.total(Registry.Stats::open);
        this.dropped = r.total(s -> s.dropped.sum());
        this.internalErrors = r.internalErrors.sum();
        this.lateReleaseCount = r.total(s -> s.late.sum());
        long sum = 0;
        for (Group g : leakGroups) {
            sum += g.count();
        }
        this.leaks = sum;
        long holds = 0;
        for (Group g : longHoldGroups) {
            holds += g.count();
        }
        this.longHolds = holds;
        this.timeline = r.samples.rows(r, timelineKinds);
        this.startedAtMillis = r.startedMillis;
    }

    /**
     * The leaks as of now: handles never closed and gone (collected, released by their parent past the threshold), and
     * open handles older than the threshold that are abandoned; those still in use are long holds.
     */
    public static Report of(Registry r) {
        r.drainCollected();
        List<Group> groups = Registry.copies(r.settled.values());
        Registry.Aged aged = r.agedOpen(System.nanoTime());
        groups.addAll(aged.leaks);
        return new Report(r, groups, aged.holds);
    }

    public String toJson() {
        StringBuilder b = new StringBuilder(4096);
        b.append("{\n  \"schema\": ").append(SCHEMA);
        b.append(",\n  \"agentVersion\": ");
        Json.string(b, AgentJar.version());
        b.append(",\n  \"jvm\": {\"pid\": ").append(ProcessHandle.current().pid());
        b.append(", \"javaVersion\": ");
        Json.string(b, System.getProperty("java.version"));
        b.append(", \"vendor\": ");
        Json.string(b, System.getProperty("java.vendor"));
        b.append(", \"uptimeMillis\": ").append(uptime()).append('}');
        b.append(",\n  \"generatedAt\": ");
        Json.string(b, java.time.Instant.ofEpochMilli(generatedAtMillis).toString());
        b.append(",\n  \"thresholdMillis\": ").append(thresholdMillis);
        b.append(",\n  \"summary\": {\"acquired\": ")
                .append(acquired)
                .append(", \"released\": ")
                .append(released)
                .append(", \"open\": ")
                .append(open)
                .append(", \"leaks\": ")
                .append(leaks)
                .append(", \"longHolds\": ")
                .append(longHolds)
                .append(", \"lateReleases\": ")
                .append(lateReleaseCount)
                .append(", \"dropped\": ")
                .append(dropped)
                .append(", \"internalErrors\": ")
                .append(internalErrors)
                .append('}');
        b.append(",\n  \"leaks\": [");
        groups(b, leakGroups, false);
        b.append("],\n  \"longHolds\": [");
        groups(b, longHoldGroups, false);
        b.append("],\n  \"lateReleases\": [");
        groups(b, lateReleases, true);
        b.append("]");
        Diagnosis.json(b);
        b.append(",\n  \"timeline\": {\"startedAtMillis\": ")
                .append(startedAtMillis)
                .append(", \"kinds\": [");
        for (int i = 0; i < timelineKinds.size(); i++) {
            b.append(i == 0 ? "" : ", ");
            Json.string(b, timelineKinds.get(i));
        }
        b.append("], \"points\": [");
        for (int i = 0; i < timeline.length; i++) {
            b.append(i == 0 ? "" : ", ").append('[');
            for (int j = 0; j < timeline[i].length; j++) {
                b.append(j == 0 ? "" : ", ").append(timeline[i][j]);
            }
            b.append(']');
        }
        b.append("]}\n}\n");
        return b.toString();
    }

    private static long uptime() {
        try {
            return ManagementFactory.getRuntimeMXBean().getUptime();
        } catch (RuntimeException | LinkageError e) {
            return -1;
        }
    }

    private static void groups(StringBuilder b, List<Group> groups, boolean held) {
        for (int i = 0; i < groups.size(); i++) {
            Group g = groups.get(i);
            b.append(i == 0 ? "\n    " : ",\n    ");
            b.append("{\"kind\": ");
            Json.string(b, g.kind.label);
            b.append(", \"reason\": ");
            Json.string(b, g.reason);
            b.append(", \"count\": ")
                    .append(g.count())
                    .append(", \"oldestAgeMillis\": ")
                    .append(g.oldestAgeMillis());
            if (held || g.reason.equals("released-by-parent")) {
                b.append(", \"heldMillis\": ").append(g.heldMillis());
            }
            if (g.releasedBy != null) {
                b.append(", \"releasedBy\": ");
                Json.string(b, g.releasedBy.label);
            }
            b.append(", \"thread\": ");
            Json.string(b, g.thread);
            b.append(", \"target\": ");
            Json.string(b, g.target);
            b.append(", \"targets\": [");
            List<String> targets = g.targets();
            for (int j = 0; j < targets.size(); j++) {
                b.append(j == 0 ? "" : ", ");
                Json.string(b, targets.get(j));
            }
            b.append("], \"targetCount\": ").append(g.targetCount());
            Holder holder = holderOf(g);
            if (holder != null) {
                b.append(", \"holder\": ");
                holder.json(b);
            }
            b.append(", \"stackCaptured\": ").append(!g.stack.isEmpty());
            b.append(", \"stack\": [");
            String[] lines = g.stack.lines();
            for (int j = 0; j < lines.length; j++) {
                if (j > 0) {
                    b.append(", ");
                }
                Json.string(b, lines[j]);
            }
            b.append("]}");
        }
        if (!groups.isEmpty()) {
            b.append("\n  ");
        }
    }

    /**
     * Writes the report where {@code report=} says, in the format its extension names (.json, .html, .xml); a
     * directory gets all three as leakwatch-report.*. Each file appears whole or not at all.
     */
    public void write(Path path) throws IOException {
        String json = toJson();
        if (Files.isDirectory(path)) {
            ReportModel model = ReportModel.parse(json);
            for (String extension : FORMATS) {
                writeAtomically(path.resolve("leakwatch-report." + extension), render(extension, json, model));
            }
        } else {
            String extension = extension(path);
            writeAtomically(path, render(extension, json, extension.equals("json") ? null : ReportModel.parse(json)));
        }
    }

    /** The report file formats, by file extension. */
    public static final List<String> FORMATS = List.of("json", "html", "xml");

    /** The lower-case extension of a report file name, or "" if it has none. */
    public static String extension(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(java.util.Locale.ROOT);
    }

    private static String render(String extension, String json, ReportModel model) {
        return switch (extension) {
            case "html" -> Html.render(model);
            case "xml" -> JUnitXml.render(model, 0);
            default -> json;
        };
    }

    /** Writes a file whole or not at all: to a sibling .tmp, then renamed over it. */
    public static void writeAtomically(Path file, String text) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, text.getBytes(StandardCharsets.UTF_8));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Who held the group's handles: as judged; for a leak whose handle is gone, abandoned (the application never
     * closed it); null for a late release that was never judged.
     */
    static Holder holderOf(Group g) {
        Holder h = g.holder();
        if (h == null && (g.reason.equals("collected") || g.reason.equals("released-by-parent"))) {
            return Holder.dropped(g.thread);
        }
        return h;
    }

    /** The log text of one group: a headline, its targets, holder and allocation stack (see {@link Group#describe}). */
    public static String describe(Group g, String headline) {
        return g.describe(headline);
    }

    public String summaryLine() {
        return "leakwatch: " + leaks + " leak" + (leaks == 1 ? "" : "s") + " in " + leakGroups.size() + " group"
                + (leakGroups.size() == 1 ? "" : "s") + " (acquired " + acquired + ", released " + released + ", open "
                + open
                + ", long holds " + longHolds + ", late releases " + lateReleaseCount + ", dropped " + dropped + ")";
    }

    public List<String> leakSites() {
        List<String> sites = new ArrayList<>();
        for (Group g : leakGroups) {
            sites.add(g.kind.label + " x" + g.count() + " (" + g.reason + ") at " + g.stack.top());
        }
        return sites;
    }

    /** The exit report: as {@link #of}, but with {@code everyOpen} every handle still open counts, whatever its age. */
    public static Report atExit(Registry r, boolean everyOpen) {
        if (!everyOpen) {
            return of(r);
        }
        r.drainCollected();
        List<Group> groups = Registry.copies(r.settled.values());
        Registry.Aged open = r.openAtExit(System.nanoTime());
        groups.addAll(open.leaks);
        return new Report(r, groups, open.holds);
    }
}
