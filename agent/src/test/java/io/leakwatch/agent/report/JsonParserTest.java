package io.leakwatch.agent.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonParserTest {
    @Test
    @SuppressWarnings("unchecked")
    void parsesEveryJsonType() {
        Object v = JsonParser.parse(
                " {\"a\": [1, -2.5e1, true, false, null], \"s\": \"q\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\", \"o\": {}, \"big\": 123456789012345678901} ");
        assertThat(v).isInstanceOf(Map.class);
        Map<?, ?> m = (Map<?, ?>) v;
        assertThat((List<Object>) m.get("a")).containsExactly(1L, -25.0, true, false, null);
        assertThat(m.get("s")).isEqualTo("q\"\\/\b\f\n\r\t\u00e9");
        assertThat((Map<?, ?>) m.get("o")).isEmpty();
        assertThat(m.get("big")).isInstanceOf(Double.class);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "{",
                "{\"a\":1,}",
                "[1,]",
                "{'a':1}",
                "{\"a\" 1}",
                "01",
                "1.",
                "-",
                "tru",
                "\"\\x\"",
                "\"a\nb\"",
                "{\"a\":1}{",
                "{\"a\":1,\"a\":2}",
                "[1 2]",
                "\"\\u12\"",
                "NaN",
                "// c\n{}"
            })
    void rejectsWhatIsNotStrictJson(String text) {
        assertThatThrownBy(() -> JsonParser.parse(text))
                .isInstanceOf(JsonParser.JsonException.class)
                .hasMessageStartingWith("invalid JSON at line ");
    }

    @Test
    void namesLineAndColumn() {
        assertThatThrownBy(() -> JsonParser.parse("{\n  \"a\": 1,\n  \"b\": x\n}"))
                .hasMessage("invalid JSON at line 3, column 8: unexpected character 'x', expected a value");
    }

    @Test
    void refusesDeepNesting() {
        assertThatThrownBy(() -> JsonParser.parse("[".repeat(1000))).hasMessageContaining("nested deeper than 64");
    }
}
