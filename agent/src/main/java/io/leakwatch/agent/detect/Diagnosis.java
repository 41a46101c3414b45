package io.leakwatch.agent.detect;

import io.leakwatch.agent.model.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The report's, JMX's and Prometheus's views of {@link Risks} and {@link Traffic}: never part of the leak figures. */
public final class Diagnosis {
    private Diagnosis() {}

    /** The {@code "risks"} and {@code "targets"} members of the JSON report, each preceded by a comma. */
    public static void json(StringBuilder b) {
        b.append(",\n  \"risks\": [");
        List<Risks.Risk> risks = Risks.risks();
        for (int i = 0; i < risks.size(); i++) {
            Risks.Risk r = risks.get(i);
            b.append(i == 0 ? "\n    " : ",\n    ").append("{\"kind\": ");
            Json.string(b, r.kind);
            b.append(", \"count\": ").append(r.count()).append(", \"target\": ");
            Json.string(b, r.target);
            b.append(", \"fix\": ");
            Json.string(b, r.fix);
            b.append(", \"stack\": [");
            String[] lines = r.stack.lines();
            for (int j = 0; j < lines.length; j++) {
                b.append(j == 0 ? "" : ", ");
                Json.string(b, lines[j]);
            }
            b.append("]}");
        }
        b.append(risks.isEmpty() ? "]" : "\n  ]");
        b.append(",\n  \"targets\": [");
        List<Traffic.Target> targets = Traffic.targets();
        for (int i = 0; i < targets.size(); i++) {
            Traffic.Target t = targets.get(i);
            b.append(i == 0 ? "\n    " : ",\n    ").append("{\"target\": ");
            Json.string(b, t.target);
            b.append(", \"family\": ");
            Json.string(b, t.family());
            b.append(", \"requests\": ")
                    .append(t.requests())
                    .append(", \"connectionsOpened\": ")
                    .append(t.connectionsOpened())
                    .append(", \"openedPerMinute\": ")
                    .append(String.format(Locale.ROOT, "%.1f", t.openedPerMinute()))
                    .append(", \"openNow\": ")
                    .append(t.openNow())
                    .append(", \"limit\": ")
                    .append(t.limit() > 0 ? String.valueOf(t.limit()) : "null")
                    .append(", \"peakInUse\": ")
                    .append(t.peakInUse())
                    .append(", \"diagnosis\": ");
            Json.string(b, t.diagnosis());
            b.append('}');
        }
        b.append(targets.isEmpty() ? "]" : "\n  ]");
    }

    /** The Prometheus families of risks and targets; a family with no sample yet is left out (the format wants one). */
    public static void prometheus(StringBuilder b) {
        List<Risks.Risk> risks = Risks.risks();
        if (!risks.isEmpty()) {
            b.append(
                    "# HELP leakwatch_risk_calls_total Calls that can hang forever (no timeout), by kind, target and site; not leaks.\n");
            b.append("# TYPE leakwatch_risk_calls_total counter\n");
            for (Risks.Risk r : risks) {
                b.append("leakwatch_risk_calls_total{kind=\"")
                        .append(r.kind)
                        .append("\",target=\"")
                        .append(label(r.target))
                        .append("\",site=\"")
                        .append(label(r.stack.top()))
                        .append("\"} ")
                        .append(r.count())
                        .append('\n');
            }
        }
        List<Traffic.Target> targets = Traffic.targets();
        if (targets.isEmpty()) {
            return;
        }
        target(
                b,
                targets,
                "leakwatch_target_requests_total",
                "counter",
                "Requests made (pool borrows for JDBC).",
                Traffic.Target::requests);
        target(
                b,
                targets,
                "leakwatch_target_connections_opened_total",
                "counter",
                "New connections opened.",
                Traffic.Target::connectionsOpened);
        target(
                b,
                targets,
                "leakwatch_target_open_connections",
                "gauge",
                "Connections open now.",
                Traffic.Target::openNow);
        target(
                b,
                targets,
                "leakwatch_target_peak_in_use",
                "gauge",
                "Most connections in use at once (pools), or open at once (HTTP and sockets).",
                Traffic.Target::peakInUse);
        List<Traffic.Target> limited = new ArrayList<>();
        for (Traffic.Target t : targets) {
            if (t.limit() > 0) {
                limited.add(t);
            }
        }
        if (!limited.isEmpty()) {
            target(
                    b,
                    limited,
                    "leakwatch_target_limit",
                    "gauge",
                    "The pool's connection limit for the target, where the library exposes it.",
                    Traffic.Target::limit);
        }
    }

    private static void target(
            StringBuilder b,
            List<Traffic.Target> targets,
            String name,
            String type,
            String help,
            java.util.function.ToLongFunction<Traffic.Target> value) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        for (Traffic.Target t : targets) {
            b.append(name)
                    .append(labels(t))
                    .append(' ')
                    .append(value.applyAsLong(t))
                    .append('\n');
        }
    }

    private static String labels(Traffic.Target t) {
        return "{target=\"" + label(t.target) + "\",family=\"" + label(t.family()) + "\"}";
    }

    private static String label(String s) {
        return s == null ? "" : s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** JMX: one line per risk site. */
    public static List<String> riskLines() {
        List<String> lines = new ArrayList<>();
        for (Risks.Risk r : Risks.risks()) {
            lines.add(r.kind + " x" + r.count() + " target=" + r.target + " at " + r.stack.top() + ": " + r.fix);
        }
        return lines;
    }

    /**
     * JMX: a target's figures at one moment; public getters so the MXBean maps it to CompositeData, and
     * {@link #from} so a client's MXBean proxy can map it back.
     */
    public static final class TargetView {
        private final String target;
        private final String family;
        private final long requests;
        private final long connectionsOpened;
        private final long openNow;
        private final long limit;
        private final long peakInUse;
        private final String diagnosis;

        TargetView(
                String target,
                String family,
                long requests,
                long connectionsOpened,
                long openNow,
                long limit,
                long peakInUse,
                String diagnosis) {
            this.target = target;
            this.family = family;
            this.requests = requests;
            this.connectionsOpened = connectionsOpened;
            this.openNow = openNow;
            this.limit = limit;
            this.peakInUse = peakInUse;
            this.diagnosis = diagnosis;
        }

        TargetView(Traffic.Target t) {
            this(
                    t.target,
                    t.family(),
                    t.requests(),
                    t.connectionsOpened(),
                    t.openNow(),
                    t.limit(),
                    t.peakInUse(),
                    t.diagnosis() == null ? "" : t.diagnosis());
        }

        public static TargetView from(javax.management.openmbean.CompositeData d) {
            return new TargetView(
                    (String) d.get("target"),
                    (String) d.get("family"),
                    (Long) d.get("requests"),
                    (Long) d.get("connectionsOpened"),
                    (Long) d.get("openNow"),
                    (Long) d.get("limit"),
                    (Long) d.get("peakInUse"),
                    (String) d.get("diagnosis"));
        }

        public String getTarget() {
            return target;
        }

        public String getFamily() {
            return family;
        }

        public long getRequests() {
            return requests;
        }

        public long getConnectionsOpened() {
            return connectionsOpened;
        }

        public long getOpenNow() {
            return openNow;
        }

        /** -1 where the library exposes no limit. */
        public long getLimit() {
            return limit;
        }

        public long getPeakInUse() {
            return peakInUse;
        }

        /** What the agent concluded (no reuse, pool at its limit), or empty. */
        public String getDiagnosis() {
            return diagnosis;
        }
    }

    public static List<TargetView> targetViews() {
        List<TargetView> views = new ArrayList<>();
        for (Traffic.Target t : Traffic.targets()) {
            views.add(new TargetView(t));
        }
        return views;
    }
}
