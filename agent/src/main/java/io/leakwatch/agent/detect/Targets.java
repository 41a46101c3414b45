package io.leakwatch.agent.detect;

import java.net.URI;
import java.util.regex.Pattern;

/** What a handle is connected to, with every credential removed: no user-info, no query string, no parameters. */
public final class Targets {
    private static final Pattern AUTHORITY_USER_INFO = Pattern.compile("//[^/?#;]*@");
    private static final Pattern ORACLE_USER = Pattern.compile("^(jdbc:oracle:[a-z]+:)[^@]*@");

    private Targets() {}

    /** A JDBC URL without user-info and without anything after its first {@code ?} or {@code ;}. */
    public static String jdbc(String url) {
        if (url == null) {
            return null;
        }
        String u = url.trim();
        int cut = indexOfAny(u, '?', ';', '&');
        if (cut >= 0) {
            u = u.substring(0, cut);
        }
        u = AUTHORITY_USER_INFO.matcher(u).replaceFirst("//");
        u = ORACLE_USER.matcher(u).replaceFirst("$1@");
        return u;
    }

    /** {@code scheme://host:port/path} of an HTTP URL: never user-info, query or fragment. */
    public static String http(URI uri) {
        if (uri == null) {
            return null;
        }
        String scheme = uri.getScheme() == null ? "http" : uri.getScheme();
        int port = uri.getPort();
        if (port < 0) {
            port = "https".equalsIgnoreCase(scheme) ? 443 : 80;
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return scheme + "://" + uri.getHost() + ":" + port + path;
    }

    /** The same for a URL given as text; an unparsable one is cut at its query and stripped of user-info. */
    public static String http(String url) {
        if (url == null) {
            return null;
        }
        try {
            URI uri = URI.create(url);
            if (uri.getHost() != null) {
                return http(uri);
            }
        } catch (IllegalArgumentException ignored) {
            // fall through to the textual cut
        }
        int cut = indexOfAny(url, '?', '#', ';');
        String u = cut >= 0 ? url.substring(0, cut) : url;
        return AUTHORITY_USER_INFO.matcher(u).replaceFirst("//");
    }

    private static int indexOfAny(String s, char... chars) {
        int best = -1;
        for (char c : chars) {
            int i = s.indexOf(c);
            if (i >= 0 && (best < 0 || i < best)) {
                best = i;
            }
        }
        return best;
    }
}
