package io.leakwatch.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicInteger;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import org.junit.jupiter.api.Test;

class WeaverTest {
    /** Public: the woven class, in a loader of its own, is in another runtime package. */
    public static final class Counts {
        public static final AtomicInteger ENTERED = new AtomicInteger();
    }

    /** The class woven, loaded again from its bytes in a loader of its own. */
    public static class Target {
        public int twice(int x) {
            return 2 * x;
        }

        public int thrice(int x) {
            return 3 * x;
        }
    }

    public static final class CountingAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter() {
            Counts.ENTERED.incrementAndGet();
        }
    }

    private static final String NAME = Target.class.getName();
    private static final AgentBuilder.RawMatcher NOTHING_IGNORED = (type, loader, module, redefined, domain) -> false;

    private static byte[] bytes() throws IOException {
        try (InputStream in = WeaverTest.class.getResourceAsStream("/" + NAME.replace('.', '/') + ".class")) {
            return in.readAllBytes();
        }
    }

    private static Weaver weaver(Rules rules, AgentBuilder.RawMatcher ignored) {
        return new Weaver(rules, ignored, null, WeaverTest.class.getModule());
    }

    private static Rules countingTwice() {
        return new Rules().type(named(NAME)).transform(Advices.advice(CountingAdvice.class.getName(), named("twice")));
    }

    /** Defines the bytes as Target in a loader of its own (which finds the rest, the advice included, in this one's). */
    private static Object load(byte[] bytes) throws Exception {
        ClassLoader loader = new ClassLoader(WeaverTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.equals(NAME)) {
                    synchronized (getClassLoadingLock(name)) {
                        Class<?> c = findLoadedClass(name);
                        return c != null ? c : defineClass(name, bytes, 0, bytes.length);
                    }
                }
                return super.loadClass(name, resolve);
            }
        };
        return loader.loadClass(NAME).getConstructor().newInstance();
    }

    private static int call(Object target, String method) throws Exception {
        return (int) target.getClass().getMethod(method, int.class).invoke(target, 5);
    }

    @Test
    void aMatchedClassGetsItsAdviceOnTheMatchedMethodsOnly() throws Exception {
        byte[] woven = weaver(countingTwice(), NOTHING_IGNORED)
                .transform(null, getClass().getClassLoader(), NAME.replace('.', '/'), null, null, bytes());
        assertThat(woven).isNotNull();
        Object target = load(woven);
        int before = Counts.ENTERED.get();
        assertThat(call(target, "twice")).isEqualTo(10);
        assertThat(Counts.ENTERED.get()).isEqualTo(before + 1);
        assertThat(call(target, "thrice")).isEqualTo(15);
        assertThat(Counts.ENTERED.get()).as("thrice has no advice").isEqualTo(before + 1);
    }

    @Test
    void everyMatchingRuleApplies() throws Exception {
        Rules rules = countingTwice()
                .type(named(NAME))
                .transform(Advices.advice(CountingAdvice.class.getName(), named("thrice")));
        Object target = load(weaver(rules, NOTHING_IGNORED)
                .transform(null, getClass().getClassLoader(), NAME.replace('.', '/'), null, null, bytes()));
        int before = Counts.ENTERED.get();
        call(target, "twice");
        call(target, "thrice");
        assertThat(Counts.ENTERED.get()).isEqualTo(before + 2);
    }

    @Test
    void aClassNoRuleMatchesOrThatIsIgnoredIsLeftAsItWas() throws Exception {
        Rules other = new Rules()
                .type(named("com.example.Other"))
                .transform(Advices.advice(CountingAdvice.class.getName(), named("twice")));
        ClassLoader loader = getClass().getClassLoader();
        String internal = NAME.replace('.', '/');
        assertThat(weaver(other, NOTHING_IGNORED).transform(null, loader, internal, null, null, bytes()))
                .isNull();
        assertThat(weaver(countingTwice(), (type, l, module, redefined, domain) -> true)
                        .transform(null, loader, internal, null, null, bytes()))
                .isNull();
    }

    @Test
    void twoRulesAdvisingTheSameMethodBothApplyOnce() throws Exception {
        Rules rules = countingTwice()
                .type(named(NAME))
                .transform(Advices.advice(CountingAdvice.class.getName(), named("twice")));
        Object target = load(weaver(rules, NOTHING_IGNORED)
                .transform(null, getClass().getClassLoader(), NAME.replace('.', '/'), null, null, bytes()));
        int before = Counts.ENTERED.get();
        assertThat(call(target, "twice")).isEqualTo(10);
        assertThat(Counts.ENTERED.get()).isEqualTo(before + 2);
        call(target, "thrice");
        assertThat(Counts.ENTERED.get()).isEqualTo(before + 2);
    }

    @Test
    void aClassItsRuleMatchesButNoneOfWhoseMethodsAnAdviceMatchesIsNotRewritten() throws Exception {
        Rules noMethod =
                new Rules().type(named(NAME)).transform(Advices.advice(CountingAdvice.class.getName(), named("never")));
        assertThat(weaver(noMethod, NOTHING_IGNORED)
                        .transform(null, getClass().getClassLoader(), NAME.replace('.', '/'), null, null, bytes()))
                .isNull();
        Rules oneOfTwo = noMethod.transform(Advices.advice(CountingAdvice.class.getName(), named("thrice")));
        Object target = load(weaver(oneOfTwo, NOTHING_IGNORED)
                .transform(null, getClass().getClassLoader(), NAME.replace('.', '/'), null, null, bytes()));
        int before = Counts.ENTERED.get();
        call(target, "thrice");
        assertThat(Counts.ENTERED.get()).isEqualTo(before + 1);
    }

    @Test
    void aClassThatCannotBeDescribedOrWovenIsLeftAsItWasNotThrownIntoTheApplication() throws Exception {
        AgentBuilder.RawMatcher failing = (type, loader, module, redefined, domain) -> {
            throw new IllegalStateException("a supertype that cannot be resolved");
        };
        ClassLoader loader = getClass().getClassLoader();
        assertThat(weaver(new Rules().type(failing), NOTHING_IGNORED)
                        .transform(null, loader, NAME.replace('.', '/'), null, null, bytes()))
                .isNull();
        assertThat(weaver(countingTwice(), NOTHING_IGNORED)
                        .transform(null, loader, NAME.replace('.', '/'), null, null, new byte[] {1, 2, 3}))
                .isNull();
    }

    @Test
    void aTransformationNeedsItsTypesFirst() {
        assertThatThrownBy(() -> new Rules().transform((builder, type, loader, module, domain) -> builder))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("before any type(...)");
    }
}
