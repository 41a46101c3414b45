package io.leakwatch.agent.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The report's {@code risks} and {@code targets}, read back. Reports written before they existed have neither: both
 * lists are then empty. Never part of the leak figures.
 */
public final class DiagnosisModel {
    public final List<Risk> risks;
    public final List<Target> targets;

    private DiagnosisModel(List<Risk> risks, List<Target> targets) {
        this.risks = risks;
        this.targets = targets;
    }

    static DiagnosisModel of(Map<String, Object> root) {
        List<Risk> risks = new ArrayList<>();
        for (Map<String, Object> r : objects(root.get("risks"), "risks")) {
            List<String> stack = new ArrayList<>();
            for (Object line : list(r.get("stack"), "risks[].stack")) {
                stack.add(String.valueOf(line));
            }
            risks.add(new Risk(
                    text(r, "kind"),
                    number(r, "count"),
                    text(r, "target"),
                    text(r, "fix"),
                    Collections.unmodifiableList(stack)));
        }
        List<Target> targets = new ArrayList<>();
        for (Map<String, Object> t : objects(root.get("targets"), "targets")) {
            targets.add(new Target(
                    text(t, "target"),
                    text(t, "family"),
                    number(t, "requests"),
                    number(t, "connectionsOpened"),
                    t.get("openedPerMinute") instanceof Number ? ((Number) t.get("openedPerMinute")).doubleValue() : 0,
                    number(t, "openNow"),
                    t.get("limit") instanceof Number ? ((Number) t.get("limit")).longValue() : -1,
                    number(t, "peakInUse"),
                    text(t, "diagnosis")));
        }
        return new DiagnosisModel(Collections.unmodifiableList(risks), Collections.unmodifiableList(targets));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> objects(Object value, String field) {
        List<Map<String, Object>> maps = new ArrayList<>();
        for (Object o : list(value, field)) {
            if (!(o instanceof Map)) {
                throw new ReportModel.ReportException(field + "[] is not an object");
            }
            maps.add((Map<String, Object>) o);
        }
        return maps;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value, String field) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List)) {
            throw new ReportModel.ReportException(field + " is not an array");
        }
        return (List<Object>) value;
    }

    private static String text(Map<String, Object> map, String key) {
        Object v = map.get(key);
        return v == null ? null : String.valueOf(v);
    }

    private static long number(Map<String, Object> map, String key) {
        Object v = map.get(key);
        return v instanceof Number number ? number.longValue() : 0;
    }

    /** One call site that can hang forever. */
    public static final class Risk {
        public final String kind;
        public final long count;
        public final String target;
        public final String fix;
        public final List<String> stack;

        Risk(String kind, long count, String target, String fix, List<String> stack) {
            this.kind = kind;
            this.count = count;
            this.target = target;
            this.fix = fix;
            this.stack = stack;
        }
    }

    /** One target's reuse figures; {@code limit} -1 where the library exposes none. */
    public static final class Target {
        public final String target;
        public final String family;
        public final long requests;
        public final long connectionsOpened;
        public final double openedPerMinute;
        public final long openNow;
        public final long limit;
        public final long peakInUse;
        public final String diagnosis;

        Target(
                String target,
                String family,
                long requests,
                long connectionsOpened,
                double openedPerMinute,
                long openNow,
                long limit,
                long peakInUse,
                String diagnosis) {
            this.target = target;
            this.family = family;
            this.requests = requests;
            this.connectionsOpened = connectionsOpened;
            this.openedPerMinute = openedPerMinute;
            this.openNow = openNow;
            this.limit = limit;
            this.peakInUse = peakInUse;
            this.diagnosis = diagnosis;
        }
    }
}
