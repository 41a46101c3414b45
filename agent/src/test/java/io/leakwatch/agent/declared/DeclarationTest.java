package io.leakwatch.agent.declared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leakwatch.agent.config.Options;
import io.leakwatch.agent.model.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeclarationTest {
    @TempDir
    Path tmp;

    @Test
    void theShortFormIsAHandleNamedAfterTypeAndMethod() {
        Declaration d = Declaration.parse("com.acme.SessionFactory#open>close");
        assertThat(d.type).isEqualTo("com.acme.SessionFactory");
        assertThat(d.method).isEqualTo("open");
        assertThat(d.releases).containsExactly("close");
        assertThat(d.releaseType).isNull();
        assertThat(d.client).isFalse();
        assertThat(d.parent).isFalse();
        assertThat(d.kind.label).isEqualTo("SessionFactory.open");
        assertThat(d.kind.ages).isTrue();
        assertThat(d.markers()).containsExactly("com/acme/");
    }

    @Test
    void everyPartTogether() {
        Declaration d =
                Declaration.parse("acme.stream:com.acme.Session#openStream>org.other.Stream#close/abort+parent+client");
        assertThat(d.kind.label).isEqualTo("acme.stream");
        assertThat(d.kind.ages).isFalse();
        assertThat(d.releaseType).isEqualTo("org.other.Stream");
        assertThat(d.releases).containsExactly("close", "abort");
        assertThat(d.parent).isTrue();
        assertThat(d.client).isTrue();
        assertThat(d.markers()).containsExactly("com/acme/", "org/other/");
        assertThat(Kind.of("acme.stream", false)).isSameAs(d.kind);
    }

    @Test
    void eachMistakeIsNamed() {
        assertThatThrownBy(() -> Declaration.parse("com.acme.Session#open"))
                .hasMessage("no '>' and release method after Type#method");
        assertThatThrownBy(() -> Declaration.parse("com.acme.Session.open>close"))
                .hasMessage("no Type#method before '>'");
        assertThatThrownBy(() -> Declaration.parse("com.acme.Session#open>")).hasMessage("no release method after '>'");
        assertThatThrownBy(() -> Declaration.parse("com.acme.Session#open()>close()"))
                .hasMessage("one '>' and bare method names (no parameter lists) expected");
        assertThatThrownBy(() -> Declaration.parse("com.acme.Session#open>close+clinet"))
                .hasMessage("unknown or repeated flag +clinet (flags are +client and +parent)");
        assertThatThrownBy(() -> Declaration.parse("java.net.Socket#getInputStream>close"))
                .hasMessage("java.net.Socket is a JDK class; declare application or library classes");
        Declaration.parse("dup.kind:com.acme.A#open>close");
        assertThatThrownBy(() -> Declaration.parse("dup.kind:com.acme.B#open>close+client"))
                .hasMessage("kind dup.kind is already a handle");
    }

    @Test
    void optionsTakeSeveralDeclarationsAndFilesWithComments() throws Exception {
        Path file = tmp.resolve("track.txt");
        Files.write(
                file,
                List.of(
                        "# acme's resources",
                        "",
                        "com.acme.Pool#borrow>release/invalidate   # the pool",
                        "  com.acme.Clients#create>shutdown+client"));
        Options o = Options.parse("track=com.acme.SessionFactory#open>close,@" + file + ",threshold=1s");
        assertThat(o.track)
                .extracting(d -> d.text)
                .containsExactly(
                        "com.acme.SessionFactory#open>close",
                        "com.acme.Pool#borrow>release/invalidate",
                        "com.acme.Clients#create>shutdown+client");
        assertThat(o.enabled("track")).isTrue();
        assertThat(o.toString())
                .contains("track=com.acme.SessionFactory#open>close,com.acme.Pool#borrow>release/invalidate");
        assertThat(Options.parse("threshold=1s").enabled("track")).isFalse();
    }

    @Test
    void badOptionValuesAreOneLineNamingTheDeclarationAndTheForm() throws Exception {
        assertThatThrownBy(() -> Options.parse("track=com.acme.Session#open"))
                .isInstanceOf(Options.OptionException.class)
                .hasMessage(
                        "leakwatch: invalid value for option track: 'com.acme.Session#open': no '>' and release method after "
                                + "Type#method; expected comma-separated declarations " + Declaration.FORM);
        Path file = tmp.resolve("bad.txt");
        Files.write(file, List.of("# ok", "com.acme.InFile#open>close", "com.acme.B#open"));
        assertThatThrownBy(() -> Options.parse("track=@" + file))
                .hasMessageStartingWith(
                        "leakwatch: invalid value for option track: " + file + ":3: 'com.acme.B#open': no '>'");
        assertThatThrownBy(() -> Options.parse("track=@" + tmp.resolve("missing.txt")))
                .hasMessageStartingWith("leakwatch: invalid value for option track: cannot read the declarations file '"
                        + tmp.resolve("missing.txt") + "' (NoSuchFileException)");
        Path empty = tmp.resolve("empty.txt");
        Files.write(empty, List.of("# nothing yet"));
        assertThatThrownBy(() -> Options.parse("track=@" + empty)).hasMessageContaining("declares nothing");
    }
}
