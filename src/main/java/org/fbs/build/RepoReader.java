package org.fbs.build;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.GZIPInputStream;
import org.w3c.dom.Element;

/**
 * What a worker reads of the kickstart's package repositories for a compose: their comps and their mirror lists.
 * The comps file of a package repository, as dnf finds it: {@code repodata/repomd.xml} names it in its
 * {@code <data type="group">} entry (plain XML), or {@code group_gz} (gzip), each with a {@code <location href>}
 * relative to the repository (createrepo_c {@code -g comps.xml} writes both). {@code http://}, {@code https://} and
 * {@code file://} repositories are read; a repository without a group entry has no groups. Blocking: call it where a
 * worker may block (the build runner's thread).
 *
 * <p>What a repository serves is not trusted: the location must stay inside the repository, each file is read up to
 * a size bound (and a gzip one unpacked up to one), and the XML is parsed by {@link SafeXml}.
 */
public final class RepoReader implements Repositories {

    /** repomd.xml is a few KiB; Fedora's comps a few MiB (plain), its gzip less than one. */
    static final long MAX_REPOMD = 4L << 20;
    static final long MAX_COMPS = 64L << 20;

    /** A mirror list is a few KiB of text (or a metalink's XML). */
    static final long MAX_MIRRORLIST = 1L << 20;

    /** The reader builds use: two minutes for each file. */
    public static Repositories standard() {
        return Standard.READER;
    }

    /** Made on first use: an HttpClient starts a thread. */
    private static final class Standard {
        static final RepoReader READER = new RepoReader(Duration.ofMinutes(2));
    }

    private final HttpClient http;
    private final Duration timeout;

    public RepoReader(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    }

    @Override
    public Comps comps(String baseUrl) throws IOException {
        try {
            return readComps(baseUrl);
        } catch (IOException e) {
            throw masked(e);
        }
    }

    @Override
    public String mirror(String mirrorlistUrl) throws IOException {
        try {
            return readMirror(mirrorlistUrl);
        } catch (IOException e) {
            throw masked(e);
        }
    }

    /** {@code e} with the passwords of the URLs in its message masked: messages reach logs, pages and mails. */
    private static IOException masked(IOException e) {
        return new IOException(Secrets.mask(e.getMessage()), e);
    }

    private Comps readComps(String baseUrl) throws IOException {
        URI base = base(baseUrl);
        Element repomd = SafeXml.parse(new ByteArrayInputStream(fetch(base.resolve("repodata/repomd.xml"),
            MAX_REPOMD)), base.resolve("repodata/repomd.xml").toString()).getDocumentElement();
        String plain = null;
        String gz = null;
        for (Element data : SafeXml.children(repomd, "data")) {
            String href = SafeXml.children(data, "location").stream().map(l -> l.getAttribute("href"))
                .filter(h -> !h.isEmpty()).findFirst().orElse(null);
            switch (data.getAttribute("type")) {
                case "group" -> plain = href;
                case "group_gz" -> gz = href;
                default -> { }
            }
        }
        if (plain == null && gz == null) {
            return Comps.NONE;
        }
        String href = plain != null ? plain : gz;
        URI comps = inside(base, href);
        byte[] bytes = fetch(comps, MAX_COMPS);
        InputStream in = new ByteArrayInputStream(bytes);
        if (plain == null) {
            in = new BoundedStream(new GZIPInputStream(in), MAX_COMPS, comps.toString());
        }
        return Comps.parse(in, comps.toString());
    }

    /**
     * The first http or https mirror of a mirror list, as dnf would try it first: a plain list (one URL a line,
     * {@code #} comments: mirrors.fedoraproject.org's {@code mirrorlist?repo=...}) or a metalink (its {@code <url>}s
     * of {@code .../repodata/repomd.xml}: {@code metalink?repo=...}).
     */
    private String readMirror(String mirrorlistUrl) throws IOException {
        URI uri;
        try {
            uri = new URI(mirrorlistUrl);
        } catch (URISyntaxException e) {
            throw new IOException(mirrorlistUrl + " is not a URL: " + e.getMessage(), e);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new IOException(mirrorlistUrl + ": a mirror list is read over http or https only");
        }
        byte[] body = fetch(uri, MAX_MIRRORLIST);
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8).strip();
        if (text.startsWith("<")) {
            Element metalink = SafeXml.parse(new ByteArrayInputStream(body), mirrorlistUrl).getDocumentElement();
            org.w3c.dom.NodeList urls = metalink.getElementsByTagName("url");
            for (int i = 0; i < urls.getLength(); i++) {
                String url = urls.item(i).getTextContent().strip();
                if (url.matches("https?://.*") && url.endsWith("/repodata/repomd.xml")) {
                    return url.substring(0, url.length() - "repodata/repomd.xml".length());
                }
            }
        } else {
            for (String line : text.split("\\R")) {
                String url = line.strip();
                if (url.matches("https?://\\S+")) {
                    return url.endsWith("/") ? url : url + "/";
                }
            }
        }
        throw new IOException(mirrorlistUrl + " lists no http or https mirror");
    }

    /** {@code url} as a directory URI. */
    private static URI base(String url) throws IOException {
        try {
            URI uri = new URI(url.endsWith("/") ? url : url + "/");
            String scheme = uri.getScheme() == null ? "" : uri.getScheme();
            if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals("file")) {
                throw new IOException("repository " + url + ": its groups can only be read over http, https or"
                    + " file");
            }
            return uri.normalize();
        } catch (URISyntaxException e) {
            throw new IOException("repository " + url + " is not a URL: " + e.getMessage(), e);
        }
    }

    /** The repository file {@code href} names, refused when it leads out of the repository. */
    static URI inside(URI base, String href) throws IOException {
        if (href.startsWith("/") || href.contains(":")) {
            throw new IOException(base + "repodata/repomd.xml names a group location outside the repository: "
                + href);
        }
        URI target;
        try {
            target = base.resolve(new URI(null, null, href, null)).normalize();
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IOException(base + "repodata/repomd.xml names an unusable group location: " + href, e);
        }
        if (!java.util.Objects.equals(target.getScheme(), base.getScheme())
            || !java.util.Objects.equals(target.getRawAuthority(), base.getRawAuthority())
            || target.getRawPath() == null || !target.getRawPath().startsWith(base.getRawPath())) {
            throw new IOException(base + "repodata/repomd.xml names a group location outside the repository: "
                + href);
        }
        return target;
    }

    private byte[] fetch(URI uri, long max) throws IOException {
        if (uri.getScheme().equals("file")) {
            Path path = Path.of(uri);
            if (!Files.isRegularFile(path)) {
                throw new IOException(uri + " does not exist");
            }
            try (InputStream in = new BoundedStream(Files.newInputStream(path), max, uri.toString())) {
                return in.readAllBytes();
            }
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(timeout).GET();
        if (uri.getRawUserInfo() != null) {
            // user:password@ in a repository URL is HTTP basic auth, as dnf takes it; the JDK client ignores it
            try {
                builder.uri(new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(),
                    uri.getQuery(), null));
            } catch (URISyntaxException e) {
                throw new IOException("unusable URL " + uri, e);
            }
            builder.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                uri.getUserInfo().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        HttpRequest request = builder.build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading " + uri, e);
        }
        try (InputStream in = new BoundedStream(response.body(), max, uri.toString())) {
            if (response.statusCode() != 200) {
                throw new IOException(uri + " answered HTTP " + response.statusCode());
            }
            return in.readAllBytes();
        }
    }

    /** Reads at most {@code max} bytes, then fails naming the file. */
    private static final class BoundedStream extends java.io.FilterInputStream {
        private final long max;
        private final String what;
        private long read;

        BoundedStream(InputStream in, long max, String what) {
            super(in);
            this.max = max;
            this.what = what;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(long n) throws IOException {
            read += n;
            if (read > max) {
                throw new IOException(what + " is larger than " + (max >> 20) + " MiB; not read further");
            }
        }
    }
}
