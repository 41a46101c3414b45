package io.leakwatch.agent.jdbc;

import io.leakwatch.agent.instrument.AgentVisibility;
import io.leakwatch.agent.model.CallSites;
import io.leakwatch.agent.model.Registry;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Marks, in every class loaded after the agent that calls a JDBC source method (getConnection, createStatement,
 * prepareStatement, prepareCall, executeQuery, getResultSet, getGeneratedKeys), each such call with its site (see
 * {@link CallSites}): {@code CallSites.mark(receiver, site)} just before the call. The receiver is duplicated from under
 * the call's arguments with stack operations only (no new locals, no branches), so stack map frames stay valid and
 * nothing but the maximum stack size changes. Calls this cannot mark (more than two arguments, a wide argument) and
 * classes it does not transform (loaded before the agent, the JDK's, named modules', those of loaders that do not
 * link the agent's classes) are unmarked: their handles capture a stack as before.
 *
 * <p>Cost at class load: only the classes whose constant pool names {@link #MARKER} reach it (the agent's one scan of
 * each class for every family's markers finds them); for those, a walk of the constant pool for a reference to a
 * source method; for those that call one, a byte search of each method's code for a call of one, and an ASM pass over
 * the class that reads only the methods it found and copies the others. Retransformed classes are marked again: the JVM
 * hands them over as they were before any transformation.
 */
public final class JdbcCallSites implements ClassFileTransformer {
    /** A method descriptor returning a JDBC type: a class that calls a source names one in its constant pool. */
    static final String MARKER = ")Ljava/sql/";

    private static final Set<String> METHODS = Set.of(
            "getConnection",
            "createStatement",
            "prepareStatement",
            "prepareCall",
            "executeQuery",
            "getResultSet",
            "getGeneratedKeys");
    private static final Set<String> RETURNS = Set.of(
            ")Ljava/sql/Connection;",
            ")Ljava/sql/Statement;",
            ")Ljava/sql/PreparedStatement;",
            ")Ljava/sql/CallableStatement;",
            ")Ljava/sql/ResultSet;");
    private static final String CALL_SITES = CallSites.class.getName().replace('.', '/');

    private final ClassLoader platform = ClassLoader.getPlatformClassLoader();

    @Override
    public byte[] transform(
            Module module,
            ClassLoader loader,
            String className,
            Class<?> redefined,
            ProtectionDomain domain,
            byte[] bytes) {
        if (module != null && module.isNamed()) {
            return null; // it could not read the agent's module: unmarked, its handles capture stacks
        }
        return transform(loader, className, redefined, domain, bytes);
    }

    @Override
    public byte[] transform(
            ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain, byte[] bytes) {
        if (className == null
                || loader == null
                || loader == platform
                || className.startsWith("io/leakwatch/agent/")
                || className.startsWith("io/leakwatch/shaded/")
                || className.contains("$$Lambda")
                || !AgentVisibility.sees(loader)) {
            return null;
        }
        try {
            return mark(bytes);
        } catch (IllegalArgumentException e) {
            return null; // a class file version newer than the bundled ASM reads: unmarked, its handles capture stacks
        } catch (Throwable t) {
            Registry.error(t);
            return null;
        }
    }

    /** The class with its JDBC source calls marked, or null if it has none. */
    static byte[] mark(byte[] bytes) {
        ClassReader reader = new ClassReader(bytes);
        boolean[] sources = sources(reader, bytes);
        if (sources == null) {
            return null; // declares JDBC methods (a driver, a mock) but calls none of the sources: no pass
        }
        ClassWriter writer = new ClassWriter(reader, 0);
        Marker marker = new Marker(writer, calling(reader, bytes, sources));
        reader.accept(marker, 0);
        return marker.marked ? writer.toByteArray() : null;
    }

    /** Whether the constant pool refers to a markable method: a class that calls one has a method reference to it. */
    static boolean callsSource(ClassReader reader, byte[] bytes) {
        return sources(reader, bytes) != null;
    }

    /**
     * Per constant-pool index, whether it is a reference to a markable method; null if there is none. Reads only the
     * constant pool, which the reader has indexed already.
     */
    static boolean[] sources(ClassReader reader, byte[] bytes) {
        boolean[] sources = null;
        char[] buffer = new char[reader.getMaxStringLength()];
        for (int i = 1, n = reader.getItemCount(); i < n; i++) {
            int offset = reader.getItem(i);
            if (offset == 0) {
                continue; // the second slot of a long or double
            }
            int tag = bytes[offset - 1];
            if (tag == METHOD_REF || tag == INTERFACE_METHOD_REF) {
                int nameAndType = reader.getItem(reader.readUnsignedShort(offset + 2));
                if (markable(reader.readUTF8(nameAndType, buffer), reader.readUTF8(nameAndType + 2, buffer))) {
                    if (sources == null) {
                        sources = new boolean[n];
                    }
                    sources[i] = true;
                }
            }
        }
        return sources;
    }

    /**
     * Per method, in the class file's order (the order the reader visits them in), whether its code may call a
     * markable method: it has the bytes of an invokevirtual or invokeinterface of one. The bytes are not decoded into
     * instructions, so an operand that happens to look like such a call counts too; that method only takes the marking
     * pass for nothing. The others are copied as they are, without being read instruction by instruction.
     */
    static boolean[] calling(ClassReader reader, byte[] bytes, boolean[] sources) {
        int at = reader.header + 6;
        at += 2 + 2 * reader.readUnsignedShort(at);
        int fields = reader.readUnsignedShort(at);
        at += 2;
        for (int i = 0; i < fields; i++) {
            at = skipAttributes(reader, at + 6);
        }
        char[] buffer = new char[reader.getMaxStringLength()];
        int methods = reader.readUnsignedShort(at);
        boolean[] calling = new boolean[methods];
        at += 2;
        for (int m = 0; m < methods; m++) {
            int attributes = reader.readUnsignedShort(at + 6);
            at += 8;
            for (int a = 0; a < attributes; a++) {
                int length = reader.readInt(at + 2);
                if (!calling[m] && "Code".equals(reader.readUTF8(at, buffer))) {
                    int code = at + 14;
                    int end = code + reader.readInt(at + 10);
                    for (int i = code; i + 2 < end && !calling[m]; i++) {
                        int op = bytes[i] & 0xff;
                        if (op == Opcodes.INVOKEVIRTUAL || op == Opcodes.INVOKEINTERFACE) {
                            int index = reader.readUnsignedShort(i + 1);
                            calling[m] = index < sources.length && sources[index];
                        }
                    }
                }
                at += 6 + length;
            }
        }
        return calling;
    }

    /** The offset after the attributes that start at {@code at} (their count). */
    private static int skipAttributes(ClassReader reader, int at) {
        int attributes = reader.readUnsignedShort(at);
        at += 2;
        for (int a = 0; a < attributes; a++) {
            at += 6 + reader.readInt(at + 2);
        }
        return at;
    }

    private static final int METHOD_REF = 10;
    private static final int INTERFACE_METHOD_REF = 11;

    /** Whether the call {@code name}{@code descriptor} acquires a JDBC handle and can be marked. */
    static boolean markable(String name, String descriptor) {
        if (!METHODS.contains(name)) {
            return false;
        }
        int close = descriptor.indexOf(')');
        if (!RETURNS.contains(descriptor.substring(close))) {
            return false;
        }
        return arguments(descriptor, close) >= 0;
    }

    /** The number of arguments if each is one slot and there are at most two; else -1. */
    static int arguments(String descriptor, int close) {
        int n = 0;
        for (int i = 1; i < close; i++) {
            char c = descriptor.charAt(i);
            if (c == 'J' || c == 'D') {
                return -1;
            }
            while (c == '[') {
                c = descriptor.charAt(++i);
            }
            if (c == 'L') {
                i = descriptor.indexOf(';', i);
            }
            n++;
        }
        return n <= 2 ? n : -1;
    }

    private static final class Marker extends ClassVisitor {
        boolean marked;
        private final boolean[] calling;
        private int method;
        private String className;
        private String source;

        Marker(ClassVisitor next, boolean[] calling) {
            super(Opcodes.ASM9, next);
            this.calling = calling;
        }

        @Override
        public void visit(
                int version, int access, String name, String signature, String superName, String[] interfaces) {
            className = name.replace('/', '.');
            super.visit(version, access, name, signature, superName, interfaces);
        }

        @Override
        public void visitSource(String file, String debug) {
            source = file;
            super.visitSource(file, debug);
        }

        @Override
        public MethodVisitor visitMethod(
                int access, String name, String descriptor, String signature, String[] exceptions) {
            boolean calls = calling[method++];
            MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
            // The writer's own visitor, returned as it is, copies the method's bytes unread.
            return next == null || !calls ? next : new Calls(next, this, name);
        }
    }

    private static final class Calls extends MethodVisitor {
        private final Marker owner;
        private final String method;
        private int line = -1;
        private boolean marked;

        Calls(MethodVisitor next, Marker owner, String method) {
            super(Opcodes.ASM9, next);
            this.owner = owner;
            this.method = method;
        }

        @Override
        public void visitLineNumber(int line, Label start) {
            this.line = line;
            super.visitLineNumber(line, start);
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            if ((opcode == Opcodes.INVOKEINTERFACE || opcode == Opcodes.INVOKEVIRTUAL) && markable(name, descriptor)) {
                int site = CallSites.register(this.owner.className, method, this.owner.source, line);
                if (site != CallSites.NONE) {
                    int args = arguments(descriptor, descriptor.indexOf(')'));
                    // Copy the receiver to the top, under nothing the call needs: [r, a, b] -> [r, a, b, r]
                    if (args == 0) {
                        super.visitInsn(Opcodes.DUP);
                    } else if (args == 1) {
                        super.visitInsn(Opcodes.SWAP); // [a, r]
                        super.visitInsn(Opcodes.DUP_X1); // [r, a, r]
                    } else {
                        super.visitInsn(Opcodes.DUP2_X1); // [a, b, r, a, b]
                        super.visitInsn(Opcodes.POP2); // [a, b, r]
                        super.visitInsn(Opcodes.DUP_X2); // [r, a, b, r]
                    }
                    super.visitLdcInsn(site);
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, CALL_SITES, "mark", "(Ljava/lang/Object;I)V", false);
                    marked = true;
                    this.owner.marked = true;
                }
            }
            super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            super.visitMaxs(marked ? maxStack + 3 : maxStack, maxLocals);
        }
    }
}
