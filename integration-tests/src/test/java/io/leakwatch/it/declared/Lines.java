package io.leakwatch.it.declared;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.leakwatch.it.Forked;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/** Where the apps' leaks are: the source lines marked {@code // LEAK <marker>}. */
final class Lines {
    private Lines() {}

    /** {@code Class.method(Class.java:N)}, N being the line of the app's source marked {@code // LEAK <marker>}. */
    static String frame(Class<?> app, String method, String marker) throws IOException {
        Path source = Paths.get("src/test/java", app.getName().replace('.', '/') + ".java");
        List<String> lines = Files.readAllLines(source);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).endsWith("// LEAK " + marker)) {
                return app.getName() + "." + method + "(" + app.getSimpleName() + ".java:" + (i + 1) + ")";
            }
        }
        throw new AssertionError("no line marked // LEAK " + marker + " in " + source);
    }

    /** The one leak group whose top frame is exactly {@code frame}, of the given kind. */
    static JsonNode leakAt(Forked.Result r, String frame, String kind) {
        List<JsonNode> at = r.leaks().stream()
                .filter(l -> Forked.Result.topFrame(l).equals(frame))
                .toList();
        assertThat(at).as("leak at %s\n%s", frame, r).hasSize(1);
        assertThat(at.get(0).get("kind").asText()).as(r.toString()).isEqualTo(kind);
        return at.get(0);
    }
}
