package io.leakwatch.agent.instrument;

import io.leakwatch.agent.model.Registry;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Runs the families' call-site passes on the classes found hot (see {@code model/CallSites}), not on every class at
 * load: a pass gated by this sees a class only when it is retransformed after {@link #mark} asked for it, and on every
 * later retransformation of it (another agent's, a mock maker's), which the JVM starts from the class as loaded.
 */
public final class CallSiteMarking {
    private final Instrumentation inst;
    private final ClassLoader platform = ClassLoader.getPlatformClassLoader();
    private final Map<Class<?>, Boolean> marked = Collections.synchronizedMap(new WeakHashMap<>());

    public CallSiteMarking(Instrumentation inst) {
        this.inst = inst;
    }

    /** Retransforms the class so the gated passes mark its calls; classes no pass can mark are left alone. */
    public void mark(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        if (loader == null
                || loader == platform
                || type.getModule().isNamed()
                || type.isHidden()
                || !inst.isModifiableClass(type)
                || marked.putIfAbsent(type, Boolean.TRUE) != null) {
            return;
        }
        try {
            inst.retransformClasses(type);
        } catch (Throwable t) { // the class stays as it was: its handles capture stacks
            Registry.error(t);
        }
    }

    /** The pass, run only on the retransformations of classes asked for by {@link #mark}. */
    public ClassFileTransformer gate(ClassFileTransformer pass) {
        return new ClassFileTransformer() {
            @Override
            public byte[] transform(
                    Module module,
                    ClassLoader loader,
                    String className,
                    Class<?> redefined,
                    ProtectionDomain domain,
                    byte[] bytes)
                    throws IllegalClassFormatException {
                return redefined != null && marked.containsKey(redefined)
                        ? pass.transform(module, loader, className, redefined, domain, bytes)
                        : null;
            }

            @Override
            public byte[] transform(
                    ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain, byte[] bytes)
                    throws IllegalClassFormatException {
                return redefined != null && marked.containsKey(redefined)
                        ? pass.transform(loader, className, redefined, domain, bytes)
                        : null;
            }
        };
    }
}
