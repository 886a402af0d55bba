package org.fbs.store;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.fbs.build.Build;
import org.fbs.build.Secrets;

/**
 * Every build, durably, in SQLite under the master's data dir. Blocking and single-connection: callers run it
 * on one ordered worker thread ({@link AsyncBuildStore}), which also keeps writes and reads in order.
 */
public final class BuildStore implements AutoCloseable {

    private final Connection db;
    /** Whether something secret was overwritten or deleted since the last wipe (see {@link #wipeOldVersions}). */
    private boolean secretsDropped;

    private BuildStore(Connection db) {
        this.db = db;
    }

    public static BuildStore open(Path dataDir) throws IOException, SQLException {
        Files.createDirectories(dataDir);
        Connection db = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("fbs.db"));
        try (Statement s = db.createStatement()) {
            // WAL with synchronous=FULL: a commit is on disk before we answer the user.
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=FULL");
            s.execute("PRAGMA busy_timeout=5000");
            // Deleted rows and the free space left by a shorter row are zeroed, not left readable in the file: a
            // deleted token's hash or an ended build's FTP password must not outlive it (see wipeOldVersions).
            s.execute("PRAGMA secure_delete=ON");
        }
        StoreSchema.migrate(db);
        return new BuildStore(db);
    }

    /** Stores a new build and returns it with its id. */
    public Build insert(Build build) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO builds(state, doc, owner) VALUES (?, ?, ?)",
            Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, build.state().name());
            ps.setString(2, document(build));
            ps.setString(3, build.owner());
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return build.withId(keys.getLong(1));
            }
        }
    }

    public void update(Build build) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("UPDATE builds SET state = ?, doc = ? WHERE id = ?")) {
            ps.setString(1, build.state().name());
            ps.setString(2, document(build));
            ps.setLong(3, build.id());
            if (ps.executeUpdate() != 1) {
                throw new SQLException("no build " + build.id());
            }
        }
        // An ended build is stored without the passwords of its spec: the versions that had them go too. Only when
        // it had one: the wipe is a checkpoint that holds every other write back, and most builds have none.
        secretsDropped |= build.state().isFinal() && Secrets.hidesAny(build.spec());
        wipeOldVersions();
    }

    public Optional<Build> get(long id) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT id, doc FROM builds WHERE id = ?")) {
            ps.setLong(1, id);
            List<Build> found = read(ps);
            return found.stream().findFirst();
        }
    }

    /** The builds the query asks for, newest first. */
    public List<Build> list(BuildQuery query) throws SQLException {
        List<String> where = new ArrayList<>();
        List<String> values = new ArrayList<>();
        filter(where, values, "owner", query.owner());
        filter(where, values, "state", query.state() == null ? null : query.state().name());
        filter(where, values, "json_extract(doc, '$.spec.type')", query.type());
        filter(where, values, "json_extract(doc, '$.spec.arch')", query.arch());
        filter(where, values, "json_extract(doc, '$.spec.release')", query.release());
        String sql = "SELECT id, doc FROM builds" + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
            + " ORDER BY id DESC LIMIT ?";
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            int i = 1;
            for (String value : values) {
                ps.setString(i++, value);
            }
            ps.setInt(i, query.limit());
            return read(ps);
        }
    }

    private static void filter(List<String> where, List<String> values, String column, String value) {
        if (value != null) {
            where.add(column + " = ?");
            values.add(value);
        }
    }

    /** The builds that have not ended, oldest first: what the dispatcher picks up at start. */
    public List<Build> unfinished() throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(
            "SELECT id, doc FROM builds WHERE state IN ('QUEUED', 'ASSIGNED', 'RUNNING') ORDER BY id")) {
            return read(ps);
        }
    }

    /**
     * The trends of the {@code days} UTC days up to {@code now}: builds submitted in them, counted and timed by
     * {@link TrendFigures}. Instants are kept as ISO text, which orders like time except around fractions of a
     * second, so the query reaches one second further back and the figures drop what is before the window.
     */
    public Trends trends(Instant now, int days) throws SQLException {
        Instant from = TrendFigures.windowStart(now, days);
        try (PreparedStatement ps = db.prepareStatement(
            "SELECT id, doc FROM builds WHERE json_extract(doc, '$.history[0].at') >= ? ORDER BY id")) {
            ps.setString(1, from.minusSeconds(1).toString());
            return TrendFigures.of(read(ps), now, days);
        }
    }

    private static String document(Build build) {
        JsonObject doc = build.toJson();
        doc.remove("id");
        return doc.encode();
    }

    private static List<Build> read(PreparedStatement ps) throws SQLException {
        List<Build> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(Build.fromJson(new JsonObject(rs.getString(2)).put("id", rs.getLong(1))));
            }
        }
        return out;
    }

    /** A piece of store work, run by {@link #batch}. */
    @FunctionalInterface
    public interface Work<T> {
        T run(BuildStore store) throws SQLException;
    }

    /** How one piece of a batch ended: its value, or the error that undid it. */
    public record Outcome(Object value, Exception error) {
    }

    /**
     * Runs several pieces of work in one transaction, so that they share one commit and one fsync (group commit:
     * what lets a burst of submissions be stored at disk speed divided by the burst, not per build). Each piece sits
     * behind a savepoint: one that fails is undone alone and reported in its outcome; the others still commit.
     * Throws only when the commit itself fails, in which case nothing of the batch is stored.
     */
    public List<Outcome> batch(List<Work<?>> works) throws SQLException {
        List<Outcome> outcomes = new ArrayList<>(works.size());
        db.setAutoCommit(false);
        try {
            for (Work<?> work : works) {
                Savepoint before = db.setSavepoint();
                try {
                    Object value = work.run(this);
                    db.releaseSavepoint(before);
                    outcomes.add(new Outcome(value, null));
                } catch (SQLException | RuntimeException e) {
                    db.rollback(before);
                    db.releaseSavepoint(before);
                    outcomes.add(new Outcome(null, e));
                }
            }
            db.commit();
        } catch (SQLException | RuntimeException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(true);
        }
        wipeOldVersions();
        return outcomes;
    }

    /**
     * Once something secret was deleted or overwritten: secure_delete has zeroed it in the pages, but in WAL mode
     * the pages' earlier versions still sit in the write-ahead log (and the log file keeps old frames even after a
     * checkpoint). A TRUNCATE checkpoint writes the current pages into the database file and empties the log. It
     * costs a few fsyncs, paid when a build ends or a token is deleted, never per submission. Inside a batch it
     * waits for the batch's commit.
     */
    private void wipeOldVersions() throws SQLException {
        if (!secretsDropped || !db.getAutoCommit()) {
            return;
        }
        try (Statement s = db.createStatement()) {
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        secretsDropped = false;
    }

    /** Fails unless the database answers a query: the readiness check of the master. */
    public void ping() throws SQLException {
        try (var statement = db.createStatement()) {
            statement.executeQuery("SELECT count(*) FROM builds").close();
        }
    }

    /**
     * Stores a new mail and returns it with its id; for a mail with a key already in the outbox, stores nothing and
     * returns the one kept under that key.
     */
    public OutboxMail insertMail(OutboxMail mail) throws SQLException {
        if (mail.key() != null) {
            Optional<OutboxMail> kept = mailByKey(mail.key());
            if (kept.isPresent()) {
                return kept.get();
            }
        }
        try (PreparedStatement ps = db.prepareStatement(
            "INSERT INTO mails(status, next_try, doc, mail_key) VALUES (?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            bindMail(ps, mail);
            ps.setString(4, mail.key());
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return mail.withId(keys.getLong(1));
            }
        }
    }

    /** The mail kept under {@code key}, if any. */
    public Optional<OutboxMail> mailByKey(String key) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT id, doc FROM mails WHERE mail_key = ?")) {
            ps.setString(1, key);
            return readMails(ps).stream().findFirst();
        }
    }

    public void updateMail(OutboxMail mail) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(
            "UPDATE mails SET status = ?, next_try = ?, doc = ? WHERE id = ?")) {
            bindMail(ps, mail);
            ps.setLong(4, mail.id());
            if (ps.executeUpdate() != 1) {
                throw new SQLException("no mail " + mail.id());
            }
        }
    }

    /** The pending mails whose next try is due at {@code now}, oldest first. */
    public List<OutboxMail> dueMails(Instant now, int limit) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(
            "SELECT id, doc FROM mails WHERE status = 'PENDING' AND next_try <= ? ORDER BY id LIMIT ?")) {
            ps.setLong(1, now.toEpochMilli());
            ps.setInt(2, limit);
            return readMails(ps);
        }
    }

    /** The mails in {@code status}, oldest first. */
    public List<OutboxMail> mails(OutboxMail.Status status, int limit) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(
            "SELECT id, doc FROM mails WHERE status = ? ORDER BY id LIMIT ?")) {
            ps.setString(1, status.name());
            ps.setInt(2, limit);
            return readMails(ps);
        }
    }

    /** The mails about one build, oldest first. */
    public List<OutboxMail> mailsOf(long build) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(
            "SELECT id, doc FROM mails WHERE json_extract(doc, '$.build') = ? ORDER BY id")) {
            ps.setLong(1, build);
            return readMails(ps);
        }
    }

    /** The newest mails first, whatever their status. */
    public List<OutboxMail> mails(int limit) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT id, doc FROM mails ORDER BY id DESC LIMIT ?")) {
            ps.setInt(1, limit);
            return readMails(ps);
        }
    }

    private static void bindMail(PreparedStatement ps, OutboxMail mail) throws SQLException {
        ps.setString(1, mail.status().name());
        ps.setLong(2, mail.nextTry().toEpochMilli());
        JsonObject doc = mail.toJson();
        doc.remove("id");
        ps.setString(3, doc.encode());
    }

    private static List<OutboxMail> readMails(PreparedStatement ps) throws SQLException {
        List<OutboxMail> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(OutboxMail.fromJson(new JsonObject(rs.getString(2)).put("id", rs.getLong(1))));
            }
        }
        return out;
    }

    /** Stores a new API token under the hash of its secret and returns it with its id. */
    public ApiToken insertToken(ApiToken token, String hash) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO tokens(hash, name, owner, email, group_admin, "
            + "created) VALUES (?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, hash);
            ps.setString(2, token.name());
            ps.setString(3, token.owner());
            ps.setString(4, token.email());
            ps.setInt(5, token.groupAdmin() ? 1 : 0);
            ps.setLong(6, token.created().toEpochMilli());
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return new ApiToken(keys.getLong(1), token.name(), token.owner(), token.email(), token.groupAdmin(),
                    token.created(), null);
            }
        }
    }

    private static final String TOKEN_COLUMNS = "id, name, owner, email, group_admin, created, last_used";

    /** A user's tokens, newest first. */
    public List<ApiToken> tokens(String owner) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(
            "SELECT " + TOKEN_COLUMNS + " FROM tokens WHERE owner = ? ORDER BY id DESC")) {
            ps.setString(1, owner);
            return readTokens(ps);
        }
    }

    /**
     * The token with this hash, its last use set to {@code now}. The write is skipped while the last use is less
     * than {@code every} old, so that a busy script does not cost a disk write per request.
     */
    public Optional<ApiToken> useToken(String hash, Instant now, Duration every) throws SQLException {
        Optional<ApiToken> found;
        try (PreparedStatement ps = db.prepareStatement("SELECT " + TOKEN_COLUMNS + " FROM tokens WHERE hash = ?")) {
            ps.setString(1, hash);
            found = readTokens(ps).stream().findFirst();
        }
        if (found.isPresent() && (found.get().lastUsed() == null
            || found.get().lastUsed().isBefore(now.minus(every)))) {
            try (PreparedStatement ps = db.prepareStatement("UPDATE tokens SET last_used = ? WHERE id = ?")) {
                ps.setLong(1, now.toEpochMilli());
                ps.setLong(2, found.get().id());
                ps.executeUpdate();
            }
        }
        return found;
    }

    /**
     * The account of the login ({@code issuer}, {@code subject}): the one it has, its user name brought up to date;
     * else a new one named {@code name} when no other login holds that name, else {@code name~SUFFIX} (the suffix
     * made from the issuer and subject, longer until it is free). The first login with a name takes the builds and
     * tokens a store from before this table kept under that name.
     */
    public String account(String issuer, String subject, String name) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(
            "SELECT account, name FROM identities WHERE issuer = ? AND subject = ?")) {
            ps.setString(1, issuer);
            ps.setString(2, subject);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    String account = rs.getString(1);
                    if (!name.equals(rs.getString(2))) {
                        try (PreparedStatement up = db.prepareStatement(
                            "UPDATE identities SET name = ? WHERE issuer = ? AND subject = ?")) {
                            up.setString(1, name);
                            up.setString(2, issuer);
                            up.setString(3, subject);
                            up.executeUpdate();
                        }
                    }
                    return account;
                }
            }
        }
        String suffix = java.util.HexFormat.of().formatHex(sha256(issuer + "\n" + subject));
        String account = name;
        for (int length = 8; accountTaken(account); length += 8) {
            account = name + "~" + suffix.substring(0, Math.min(length, suffix.length()));
        }
        try (PreparedStatement ps = db.prepareStatement(
            "INSERT INTO identities(issuer, subject, account, name) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, issuer);
            ps.setString(2, subject);
            ps.setString(3, account);
            ps.setString(4, name);
            ps.executeUpdate();
        }
        return account;
    }

    private boolean accountTaken(String account) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT 1 FROM identities WHERE account = ?")) {
            ps.setString(1, account);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static byte[] sha256(String text) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /** Removes the token if {@code owner} owns it; false when there is no such token of theirs. */
    public boolean deleteToken(long id, String owner) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("DELETE FROM tokens WHERE id = ? AND owner = ?")) {
            ps.setLong(1, id);
            ps.setString(2, owner);
            boolean deleted = ps.executeUpdate() == 1;
            secretsDropped |= deleted;
            wipeOldVersions();
            return deleted;
        }
    }

    private static List<ApiToken> readTokens(PreparedStatement ps) throws SQLException {
        List<ApiToken> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long lastUsed = rs.getLong(7);
                out.add(new ApiToken(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                    rs.getInt(5) == 1, Instant.ofEpochMilli(rs.getLong(6)),
                    rs.wasNull() ? null : Instant.ofEpochMilli(lastUsed)));
            }
        }
        return out;
    }

    @Override
    public void close() throws SQLException {
        db.close();
    }
}
