package io.leakwatch.agent.instrument;

import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * What a family's {@link Family#extend} adds its transformations to: rules of a type matcher and the transformations
 * of the types it matches, every matching rule applied (by {@link Weaver}). Written as Byte Buddy's agent builder is:
 * {@code rules.type(matcher).transform(advice).transform(more).type(other)...}.
 */
public final class Rules {
    final List<Rule> rules = new ArrayList<>();

    /** Starts a rule for the types the matcher matches. */
    public Rules type(ElementMatcher<? super TypeDescription> types) {
        return type(new ByType(types));
    }

    /** Starts a rule for the types the matcher matches, which also sees the loader, module and class being redefined. */
    public Rules type(AgentBuilder.RawMatcher types) {
        rules.add(new Rule(types));
        return this;
    }

    /** Adds a transformation to the rule last started. */
    public Rules transform(AgentBuilder.Transformer transformer) {
        if (rules.isEmpty()) {
            throw new IllegalStateException("transform(...) before any type(...): a transformation needs its types");
        }
        rules.get(rules.size() - 1).transformers.add(transformer);
        return this;
    }

    static final class Rule {
        final AgentBuilder.RawMatcher types;
        final List<AgentBuilder.Transformer> transformers = new ArrayList<>();

        Rule(AgentBuilder.RawMatcher types) {
            this.types = types;
        }
    }

    private record ByType(ElementMatcher<? super TypeDescription> types) implements AgentBuilder.RawMatcher {
        @Override
        public boolean matches(
                TypeDescription type,
                ClassLoader loader,
                net.bytebuddy.utility.JavaModule module,
                Class<?> beingRedefined,
                java.security.ProtectionDomain domain) {
            return types.matches(type);
        }
    }
}
