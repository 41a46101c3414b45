package io.leakwatch.agent.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The HTML report shows the JSON's risks and targets, escaped; a report without them still renders. */
class DiagnosisHtmlTest {
    private static final String REPORT =
            "{\"schema\": 1, \"thresholdMillis\": 1000, \"summary\": {\"acquired\": 0, \"released\": 0,"
                    + " \"open\": 0, \"leaks\": 0}, \"leaks\": [], \"risks\": [{\"kind\": \"http.no-read-timeout\", \"count\": 3,"
                    + " \"target\": \"127.0.0.1:8080\", \"fix\": \"call setReadTimeout(ms) <now>\", \"stack\": [\"com.acme.A.get(A.java:7)\"]}],"
                    + " \"targets\": [{\"target\": \"127.0.0.1:8080\", \"family\": \"apache\", \"requests\": 12, \"connectionsOpened\": 12,"
                    + " \"openedPerMinute\": 12.5, \"openNow\": 0, \"limit\": 5, \"peakInUse\": 1, \"diagnosis\": \"12 requests opened 12"
                    + " connections to 127.0.0.1:8080: no reuse\"}, {\"target\": \"jdbc:h2:mem:x\", \"family\": \"jdbc\", \"requests\": 1,"
                    + " \"connectionsOpened\": 1, \"openedPerMinute\": 1.0, \"openNow\": 1, \"limit\": null, \"peakInUse\": 1, \"diagnosis\": null}]}";

    @Test
    void risksAndTargetsAreTables() {
        ReportModel model = ReportModel.parse(REPORT);
        assertThat(model.diagnosis.risks).hasSize(1);
        assertThat(model.diagnosis.targets.get(1).limit).isEqualTo(-1);
        String html = Html.render(model);
        assertThat(html)
                .contains("<table id=\"risks\">")
                .contains("http.no-read-timeout")
                .contains("com.acme.A.get(A.java:7)")
                .contains("call setReadTimeout(ms) &lt;now&gt;")
                .doesNotContain("<now>");
        assertThat(html)
                .contains("<table id=\"targets\">")
                .contains("12 requests opened 12 connections to 127.0.0.1:8080: no reuse")
                .contains("<td class=\"num\">12.5</td>");
    }

    @Test
    void anOlderReportHasNeither() {
        String old = REPORT.substring(0, REPORT.indexOf(", \"risks\"")) + "}";
        ReportModel model = ReportModel.parse(old);
        assertThat(model.diagnosis.risks).isEmpty();
        assertThat(Html.render(model)).contains("Calls that can hang").contains("No connection seen.");
    }
}
