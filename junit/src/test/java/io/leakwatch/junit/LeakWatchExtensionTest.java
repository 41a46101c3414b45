package io.leakwatch.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** Runs without the agent (this module's Surefire has no -javaagent): the parts that need none. */
class LeakWatchExtensionTest {
    private static final List<String> STACK = List.of(
            "com.acme.OrderRepositoryTest.findsOrders(OrderRepositoryTest.java:12)",
            "java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)",
            "org.junit.platform.commons.util.ReflectionUtils.invokeMethod(ReflectionUtils.java:786)");

    @Test
    void withoutTheAgentTheBridgeRefusesWithHowToAttachIt() {
        assertThatThrownBy(Bridge::get)
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageStartingWith("leakwatch agent not attached: add -javaagent:");
    }

    @Test
    void messageNamesKindTargetCountAndTheApplicationFramesOnly() {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("kind", "jdbc.connection");
        g.put("reason", "open");
        g.put("target", "jdbc:h2:mem:orders");
        g.put("thread", "main");
        g.put("count", 2L);
        g.put("stack", STACK);
        assertThat(LeakWatchExtension.message(List.of(g), 1000, false)).isEqualTo("""
                leakwatch: 2 handles acquired during this test were not closed (still open 1000 ms after it ended):
                  jdbc.connection x2, target jdbc:h2:mem:orders, thread main
                      at com.acme.OrderRepositoryTest.findsOrders(OrderRepositoryTest.java:12)\
                """);
    }

    @Test
    void framesParseBackToStackTraceElements() {
        StackTraceElement[] frames = LeakWatchExtension.frames(List.of(
                "app//com.acme.A$B.lambda$run$0(A.java:7)",
                "com.acme.C.d(Unknown Source)",
                "java.base/java.lang.Thread.run(Thread.java:840)",
                "org.junit.X.y(X.java:1)",
                "com.acme.Z.z(Z.java:3)"));
        assertThat(frames)
                .extracting(StackTraceElement::toString)
                .containsExactly(
                        "com.acme.A$B.lambda$run$0(A.java:7)",
                        "com.acme.C.d(Unknown Source)",
                        "java.lang.Thread.run(Thread.java:840)");
    }

    @Test
    void graceIsAStrictDuration() {
        assertThat(LeakWatchExtension.parseMillis("250ms")).isEqualTo(250);
        assertThat(LeakWatchExtension.parseMillis("2s")).isEqualTo(2000);
        assertThatThrownBy(() -> LeakWatchExtension.parseMillis("-1s")).hasMessageContaining("leakwatch.junit.grace");
        assertThatThrownBy(() -> LeakWatchExtension.parseMillis("soon"))
                .hasMessageContaining("expected a duration such as 500ms or 2s");
    }

    private static Map<String, Object> group(String reason, String frame, long count) {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("kind", "jdbc.connection");
        g.put("reason", reason);
        g.put("target", "jdbc:h2:mem:orders");
        g.put("thread", "main");
        g.put("count", count);
        g.put("stack", List.of(frame));
        return g;
    }

    @Test
    void aClassWindowKeepsWhatItsOwnMethodsOpenedEvenWhenATestsLeakIsCollectedBetweenTheReads() {
        Map<String, Object> beforeAll = group("open", "com.acme.T.open(T.java:10)", 1);
        Map<String, Object> testsOpen = group("open", "com.acme.T.leaks(T.java:20)", 1);
        Map<String, Object> testsCollected = group("collected", "com.acme.T.leaks(T.java:20)", 1);
        List<Map<String, Object>> outside = LeakWatchExtension.ClassWindow.outsideChildren(
                List.of(beforeAll, testsCollected), List.of(testsOpen), List.of());
        assertThat(outside).hasSize(1);
        assertThat(outside.get(0).get("stack")).isEqualTo(List.of("com.acme.T.open(T.java:10)"));
        assertThat(outside.get(0).get("count")).isEqualTo(1L);
    }
}
