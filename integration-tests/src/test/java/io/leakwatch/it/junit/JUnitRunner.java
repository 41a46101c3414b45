package io.leakwatch.it.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * A nested JUnit Platform run, as a build tool would start it in its test JVM: args are key=value configuration
 * parameters and test class names; writes {method: {status, message}} to junit-results.json.
 */
public final class JUnitRunner {
    public static void main(String[] args) throws Exception {
        Map<String, String> config = new LinkedHashMap<>();
        List<Class<?>> classes = new ArrayList<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq > 0) {
                config.put(arg.substring(0, eq), arg.substring(eq + 1));
            } else {
                classes.add(Class.forName(arg));
            }
        }
        LauncherDiscoveryRequestBuilder request =
                LauncherDiscoveryRequestBuilder.request().configurationParameters(config);
        for (Class<?> c : classes) {
            request.selectors(selectClass(c));
        }
        LauncherDiscoveryRequest built = request.build();
        Map<String, Map<String, String>> results = new LinkedHashMap<>();
        LauncherFactory.create().execute(built, new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (id.isTest() && id.getSource().orElse(null) instanceof MethodSource) {
                    Map<String, String> r = new LinkedHashMap<>();
                    r.put("status", result.getStatus().name());
                    r.put("message", result.getThrowable().map(String::valueOf).orElse(""));
                    results.put(((MethodSource) id.getSource().get()).getMethodName(), r);
                } else if (id.getSource().orElse(null) instanceof ClassSource
                        && result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                    // A class-level failure (@BeforeAll/@AfterAll, class callbacks), keyed by the class's simple name.
                    Map<String, String> r = new LinkedHashMap<>();
                    r.put("status", result.getStatus().name());
                    r.put("message", result.getThrowable().map(String::valueOf).orElse(""));
                    results.put(
                            ((ClassSource) id.getSource().get()).getJavaClass().getSimpleName(), r);
                }
            }
        });
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(new File("junit-results.json"), results);
    }
}
