package io.leakwatch.it.declared;

import io.leakwatch.it.declared.acme.Session;
import io.leakwatch.it.declared.acme.SessionFactory;
import io.leakwatch.junit.LeakWatchExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Run only by JUnitRunner inside a forked JVM with track= (the name keeps Surefire away): what TrackIT expects. */
@ExtendWith(LeakWatchExtension.class)
class DeclaredJUnitSamples {
    static final SessionFactory SESSIONS = SessionFactory.pooled(10);
    static final List<Session> KEPT = new ArrayList<>();

    @Test
    void leaksASession() {
        Session s = SESSIONS.open("test"); // LEAK junit
        s.send("hello");
        KEPT.add(s);
    }

    @Test
    void closesItsSession() {
        try (Session s = SESSIONS.open("test")) {
            s.send("hello");
        }
    }
}
