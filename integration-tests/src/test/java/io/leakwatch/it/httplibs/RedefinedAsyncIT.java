package io.leakwatch.it.httplibs;

import static org.assertj.core.api.Assertions.assertThat;

import io.leakwatch.it.Forked;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Stacks held outside the open handles keep their lines when a mock maker redefines the class they were taken in. */
class RedefinedAsyncIT {
    private static final Class<?> APP = RedefinedAsyncApp.class;

    /** {@code RedefinedAsyncApp$Dao.method(RedefinedAsyncApp.java:N)}, N the line of the app's source ending {@code // marker}. */
    private static String daoFrame(String method, String marker) throws IOException {
        List<String> lines =
                Files.readAllLines(Paths.get("src/test/java", APP.getName().replace('.', '/') + ".java"));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).endsWith("// " + marker)) {
                return APP.getName() + "$Dao." + method + "(" + APP.getSimpleName() + ".java:" + (i + 1) + ")";
            }
        }
        throw new AssertionError("no line marked // " + marker);
    }

    @Test
    void anEnqueuedCallsAndAStartedThreadsStacksKeepTheirLinesAcrossARedefinition() throws Exception {
        Forked.Result r = Forked.main(APP).agent("threshold=1s").run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.stdout).as(r.toString()).contains("watching threads: null").contains("mocked: true");
        Expect.leakAt(r, daoFrame("fetch", "LEAK held"), "http.response", "threshold");
        assertThat(r.stdout)
                .as("the thread's start, recorded before the redefinition and read after it\n%s", r)
                .contains("worker started at: " + daoFrame("startWorker", "START held"));
    }
}
