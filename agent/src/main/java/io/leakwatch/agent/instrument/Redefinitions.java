package io.leakwatch.agent.instrument;

import io.leakwatch.agent.model.Registry;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;

/**
 * Sees every redefinition of a class, by anyone (a mock maker, a debugger's hot swap, another agent), before the JVM
 * applies it, and has the registry turn the open handles' stacks into frames first (see {@link Registry#redefining}).
 * Changes no class.
 */
public final class Redefinitions implements ClassFileTransformer {
    @Override
    public byte[] transform(
            ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain, byte[] bytes) {
        if (redefined != null) {
            try {
                Registry.redefining();
            } catch (RuntimeException | LinkageError e) {
                Registry.error(e);
            }
        }
        return null;
    }
}
