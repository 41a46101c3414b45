package io.leakwatch.it.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.leakwatch.it.Forked;
import org.junit.jupiter.api.Test;

/** The agent's JMX and metrics must not initialise java.util.logging or JMX before the application could choose. */
class StartupIT {
    @Test
    void anApplicationStillChoosesItsOwnLogManager() throws Exception {
        Forked.Result r = Forked.main(JulApp.class)
                .agent("threshold=1s,metrics=0")
                .args("3000")
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.stdout).as(r.toString()).contains("log manager: io.leakwatch.it.ops.JulApp$OwnLogManager");
        assertThat(r.stderr).as(r.toString()).contains("Prometheus metrics at http://127.0.0.1:");
    }

    @Test
    void dumpWorksWhenTheApplicationOwnsJmxInitialisation() throws Exception {
        // With java.util.logging.manager set the agent never creates the MBean server itself; dump's JMX agent does.
        try (LiveJvm app = LiveJvm.start(
                HoldApp.class, "threshold=1s", "-Djava.util.logging.manager=java.util.logging.LogManager")) {
            int line = app.sendAndGetLine("hold");
            LiveJvm.Cli r = LiveJvm.cli("dump", String.valueOf(app.pid()));
            assertThat(r.exitCode).as(r.toString()).isZero();
            assertThat(r.stdout).contains("\tat io.leakwatch.it.ops.HoldApp.hold(HoldApp.java:" + line + ")");
        }
    }
}
