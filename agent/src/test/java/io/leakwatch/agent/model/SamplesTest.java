package io.leakwatch.agent.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.leakwatch.agent.config.Options;
import io.leakwatch.agent.jdbc.JdbcInstrumentation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SamplesTest {
    @Test
    void staysBoundedAndKeepsASpikeThroughMerging() {
        Registry r = new Registry(Options.defaults());
        Samples s = new Samples();
        List<Object> held = new ArrayList<>();
        for (int sweep = 0; sweep < 10_000; sweep++) {
            if (sweep == 777) {
                for (int i = 0; i < 9; i++) {
                    Object o = new Object();
                    held.add(o);
                    r.acquire(o, JdbcInstrumentation.JDBC_CONNECTION, "t", null, false);
                }
            }
            s.record(r);
            if (sweep == 777) {
                for (Object o : held) {
                    r.release(o);
                }
            }
        }
        List<String> kinds = new ArrayList<>();
        long[][] rows = s.rows(r, kinds);
        assertThat(kinds).containsExactly("jdbc.connection");
        assertThat(rows.length).isBetween(Samples.MAX / 2, Samples.MAX + 1);
        long peak = 0;
        for (long[] row : rows) {
            peak = Math.max(peak, row[1]);
        }
        assertThat(peak).as("the one-sweep spike survives decimation").isEqualTo(9);
        for (int i = 1; i < rows.length; i++) {
            assertThat(rows[i][0]).isGreaterThanOrEqualTo(rows[i - 1][0]);
        }
    }
}
