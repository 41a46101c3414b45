package io.leakwatch.agent.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class TargetsTest {
    @Test
    void jdbcUrlsLoseEverySecret() {
        assertThat(Targets.jdbc("jdbc:postgresql://db:5432/app?user=u&password=p"))
                .isEqualTo("jdbc:postgresql://db:5432/app");
        assertThat(Targets.jdbc("jdbc:postgresql://db/app?PASSWORD=p")).isEqualTo("jdbc:postgresql://db/app");
        assertThat(Targets.jdbc("jdbc:mysql://user:pass@db:3306/app")).isEqualTo("jdbc:mysql://db:3306/app");
        assertThat(Targets.jdbc("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1;PASSWORD=p")).isEqualTo("jdbc:h2:mem:x");
        assertThat(Targets.jdbc("jdbc:sqlserver://db:1433;databaseName=app;password=p"))
                .isEqualTo("jdbc:sqlserver://db:1433");
        assertThat(Targets.jdbc("jdbc:oracle:thin:scott/tiger@//db:1521/svc"))
                .isEqualTo("jdbc:oracle:thin:@//db:1521/svc");
        assertThat(Targets.jdbc("jdbc:mariadb://db/app&password=p")).isEqualTo("jdbc:mariadb://db/app");
        assertThat(Targets.jdbc(null)).isNull();
    }

    @Test
    void httpTargetsAreSchemeHostPortPath() {
        assertThat(Targets.http(URI.create("https://user:pw@api.example.com/v1/items?token=abc#frag")))
                .isEqualTo("https://api.example.com:443/v1/items");
        assertThat(Targets.http("http://127.0.0.1:8080?token=abc")).isEqualTo("http://127.0.0.1:8080/");
        assertThat(Targets.http("http://u:p@host:81/a b?x=1"))
                .isEqualTo("http://host:81/a b")
                .doesNotContain("u:p");
    }
}
