package io.leakwatch.agent.instrument;

import java.nio.charset.StandardCharsets;

/**
 * What a class file says about its type without its code: its name, superclass, interfaces and the names of the
 * methods it declares, read from the bytes with the constant pool indexed once (no ASM, no allocation per method).
 */
final class ClassHeader {
    private final byte[] bytes;
    /** Per constant-pool index, the offset of its entry's first byte after the tag. */
    private final int[] entries;

    private final int thisClass;
    private final int superClass;
    private final int interfacesAt;
    private final int interfaceCount;
    /** Offset of fields_count: the fields are walked only to reach the methods, when they are asked about. */
    private final int fieldsAt;

    private ClassHeader(byte[] bytes) {
        this.bytes = bytes;
        int count = u2(8);
        entries = new int[count];
        int at = 10;
        for (int i = 1; i < count; i++) {
            int tag = bytes[at] & 0xff;
            entries[i] = at + 1;
            switch (tag) {
                case 1 -> {
                    at += 3 + u2(at + 1);
                    if (at > bytes.length) {
                        throw new IllegalArgumentException("truncated");
                    }
                }
                case 7, 8, 16, 19, 20 -> at += 3;
                case 15 -> at += 4;
                case 3, 4, 9, 10, 11, 12, 17, 18 -> at += 5;
                case 5, 6 -> {
                    at += 9;
                    i++;
                }
                default -> throw new IllegalArgumentException("unknown constant pool tag " + tag);
            }
        }
        thisClass = u2(at + 2);
        superClass = u2(at + 4);
        interfaceCount = u2(at + 6);
        interfacesAt = at + 8;
        fieldsAt = interfacesAt + 2 * interfaceCount;
    }

    /** The header of a class file; throws IllegalArgumentException or ArrayIndexOutOfBounds for a malformed one. */
    static ClassHeader of(byte[] bytes) {
        if (bytes.length < 10 || u4(bytes, 0) != 0xCAFEBABE) {
            throw new IllegalArgumentException("not a class file");
        }
        return new ClassHeader(bytes);
    }

    /** A field_info or method_info at {@code at}: the offset after it and its attributes. */
    private int skipMember(int at) {
        int attributes = u2(at + 6);
        at += 8;
        for (int a = 0; a < attributes; a++) {
            at += 6 + u4(bytes, at + 2);
        }
        return at;
    }

    byte[] bytes() {
        return bytes;
    }

    /** Constant-pool indexes run from 1 to this, exclusive. */
    int constants() {
        return entries.length;
    }

    /** Where the bytes of constant {@code i} start if it is a UTF-8 entry; else -1. */
    int utf8Start(int i) {
        int at = entries[i];
        return at != 0 && bytes[at - 1] == 1 ? at + 2 : -1;
    }

    int utf8Length(int i) {
        return u2(entries[i]);
    }

    /** Internal name, such as {@code com/acme/Dao}. */
    String name() {
        return className(thisClass);
    }

    /** The superclass's internal name; null for java.lang.Object itself (and module-info). */
    String superName() {
        return superClass == 0 ? null : className(superClass);
    }

    String[] interfaces() {
        String[] names = new String[interfaceCount];
        for (int i = 0; i < interfaceCount; i++) {
            names[i] = className(u2(interfacesAt + 2 * i));
        }
        return names;
    }

    /** Whether it declares a method (of any descriptor) named one of these, given as ASCII bytes. */
    boolean declaresMethodNamed(byte[][] names) {
        int at = fieldsAt + 2;
        for (int i = u2(fieldsAt); i > 0; i--) {
            at = skipMember(at);
        }
        int methods = u2(at);
        at += 2;
        for (int i = 0; i < methods; i++) {
            int name = entries[u2(at + 2)];
            for (byte[] wanted : names) {
                if (utf8Equals(name, wanted)) {
                    return true;
                }
            }
            at = skipMember(at);
        }
        return false;
    }

    private String className(int index) {
        int utf8 = entries[u2(entries[index])];
        return new String(bytes, utf8 + 2, u2(utf8), StandardCharsets.UTF_8);
    }

    private boolean utf8Equals(int utf8, byte[] wanted) {
        int length = u2(utf8);
        if (length != wanted.length) {
            return false;
        }
        for (int j = 0; j < length; j++) {
            if (bytes[utf8 + 2 + j] != wanted[j]) {
                return false;
            }
        }
        return true;
    }

    private int u2(int at) {
        return ((bytes[at] & 0xff) << 8) | (bytes[at + 1] & 0xff);
    }

    private static int u4(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }
}
