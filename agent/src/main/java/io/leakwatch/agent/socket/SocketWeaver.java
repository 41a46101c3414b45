package io.leakwatch.agent.socket;

import io.leakwatch.agent.model.Registry;
import io.leakwatch.agent.model.Stack;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Weaves the socket family's two calls into the JDK's socket classes with one ASM pass, not Byte Buddy: before each
 * normal return of {@code connect}, {@code SocketTracker.connected(this, address)}; at the start of the close method,
 * {@code SocketTracker.closed(this)}. Only straight-line code is added, no locals and no handlers (a connect that
 * throws connected nothing; the tracker catches its own failures), so the class's stack map frames stay valid as they
 * are.
 *
 * <p>Why not Byte Buddy, as every other family: on JDK 25 {@code Files.newInputStream} loads
 * {@code SocketChannelImpl}, and Byte Buddy's initialisation reads the agent jar that way, so Byte Buddy cannot be built
 * while that class loads (a ClassCircularityError into the application), and the class loads early (at
 * {@code InetAddress}'s initialisation). Building it at start-up instead cost every JVM on JDK 25 some 0.3–0.7 s.
 */
final class SocketWeaver implements ClassFileTransformer {
    private static final String FAMILY = SocketWeaver.class.getPackageName();
    private static final String TRACKER = SocketTracker.class.getName().replace('.', '/');

    /** Per class: the connect method, its descriptor, the close method. */
    private static final String[][] METHODS = {
        {"java/net/Socket", "connect", "(Ljava/net/SocketAddress;I)V", "close"},
        {"sun/nio/ch/SocketChannelImpl", "connect", "(Ljava/net/SocketAddress;)Z", "implCloseSelectableChannel"},
    };

    @Override
    public byte[] transform(
            ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain, byte[] bytes) {
        if (loader != null) {
            return null;
        }
        for (String[] m : METHODS) {
            if (m[0].equals(className)) {
                try {
                    return weave(bytes, m);
                } catch (Throwable t) {
                    Registry.error(t);
                    return null;
                }
            }
        }
        return null;
    }

    static byte[] weave(byte[] bytes, String[] m) {
        ClassReader reader = new ClassReader(bytes);
        ClassWriter writer = new ClassWriter(reader, 0);
        boolean[] woven = new boolean[2];
        reader.accept(
                new ClassVisitor(Opcodes.ASM9, writer) {
                    @Override
                    public MethodVisitor visitMethod(
                            int access, String name, String descriptor, String signature, String[] exceptions) {
                        MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                        boolean concrete = (access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) == 0;
                        if (concrete && name.equals(m[1]) && descriptor.equals(m[2])) {
                            woven[0] = true;
                            return new Connect(mv);
                        }
                        if (concrete && name.equals(m[3]) && descriptor.equals("()V")) {
                            woven[1] = true;
                            return new Close(mv);
                        }
                        return mv;
                    }
                },
                0);
        if (!woven[0] || !woven[1]) {
            // another JDK's layout: leave the class as it is rather than track connects without closes
            Registry.error(new IllegalStateException(m[0] + " has no " + (woven[0] ? m[3] : m[1]) + " to weave"));
            return null;
        }
        String type = m[0].replace('/', '.');
        Stack.instrumented(FAMILY, type, m[1], null, null);
        Stack.instrumented(FAMILY, type, m[3], null, null);
        return writer.toByteArray();
    }

    /** Before each normal return: {@code SocketTracker.connected(this, address)}; the return value stays below. */
    private static final class Connect extends MethodVisitor {
        Connect(MethodVisitor mv) {
            super(Opcodes.ASM9, mv);
        }

        @Override
        public void visitInsn(int opcode) {
            if (opcode == Opcodes.RETURN || opcode == Opcodes.IRETURN) {
                super.visitVarInsn(Opcodes.ALOAD, 0);
                super.visitVarInsn(Opcodes.ALOAD, 1);
                super.visitMethodInsn(
                        Opcodes.INVOKESTATIC, TRACKER, "connected", "(Ljava/lang/Object;Ljava/lang/Object;)V", false);
            }
            super.visitInsn(opcode);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            super.visitMaxs(maxStack + 2, maxLocals);
        }
    }

    /** On entry: {@code SocketTracker.closed(this)}. */
    private static final class Close extends MethodVisitor {
        Close(MethodVisitor mv) {
            super(Opcodes.ASM9, mv);
        }

        @Override
        public void visitCode() {
            super.visitCode();
            super.visitVarInsn(Opcodes.ALOAD, 0);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, TRACKER, "closed", "(Ljava/lang/Object;)V", false);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            super.visitMaxs(Math.max(maxStack, 1), maxLocals);
        }
    }
}
