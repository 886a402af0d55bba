package org.fbs.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The store's tables, as numbered steps. SQLite's {@code user_version} records how many have been applied; at
 * start the missing ones run in one transaction, so a store from an older FBS is brought up to date and a crash in
 * the middle leaves it as it was. Never change a step that has shipped: add a new one.
 */
final class StoreSchema {

    /** Step N (from 1) brings user_version N-1 to N. */
    private static final List<List<String>> STEPS = List.of(
        // 1: builds and the mail outbox (each mail is stored before it is sent, so none is lost to a restart).
        List.of("""
            CREATE TABLE IF NOT EXISTS builds (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              state TEXT NOT NULL,
              doc TEXT NOT NULL
            )""",
            "CREATE INDEX IF NOT EXISTS builds_state ON builds(state)",
            """
            CREATE TABLE IF NOT EXISTS mails (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              status TEXT NOT NULL,
              next_try INTEGER NOT NULL,
              doc TEXT NOT NULL
            )""",
            "CREATE INDEX IF NOT EXISTS mails_due ON mails(status, next_try)"),
        // 2: who submitted each build, for "my builds" and per-user limits.
        List.of("ALTER TABLE builds ADD COLUMN owner TEXT",
            "CREATE INDEX builds_owner ON builds(owner, id)"),
        // 3: personal API tokens, stored as the SHA-256 of the token only.
        List.of("""
            CREATE TABLE tokens (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              hash TEXT NOT NULL UNIQUE,
              name TEXT NOT NULL,
              owner TEXT NOT NULL,
              email TEXT,
              group_admin INTEGER NOT NULL,
              created INTEGER NOT NULL,
              last_used INTEGER
            )""",
            "CREATE INDEX tokens_owner ON tokens(owner, id)"),
        // 4: one mail per change of a build (build/kind/attempt), however often the change is seen.
        List.of("ALTER TABLE mails ADD COLUMN mail_key TEXT",
            "CREATE UNIQUE INDEX mails_key ON mails(mail_key)"),
        // 5: who a login is: the provider's issuer and subject, mapped to the account name that builds.owner and
        // tokens.owner hold. Stores from before keep their owners: an account name is the user name the first
        // subject to log in with that name had.
        List.of("""
            CREATE TABLE identities (
              issuer TEXT NOT NULL,
              subject TEXT NOT NULL,
              account TEXT NOT NULL UNIQUE,
              name TEXT NOT NULL,
              PRIMARY KEY (issuer, subject)
            )"""));

    private StoreSchema() {
    }

    /** The schema version this FBS writes. */
    static int current() {
        return STEPS.size();
    }

    static void migrate(Connection db) throws SQLException {
        int version;
        try (Statement s = db.createStatement(); var rs = s.executeQuery("PRAGMA user_version")) {
            version = rs.getInt(1);
        }
        if (version > current()) {
            throw new SQLException("the store was written by a newer FBS (schema " + version + "; this one knows "
                + current() + "); refusing to open it");
        }
        if (version == current()) {
            return;
        }
        db.setAutoCommit(false);
        try (Statement s = db.createStatement()) {
            for (int step = version; step < current(); step++) {
                for (String sql : STEPS.get(step)) {
                    s.execute(sql);
                }
            }
            s.execute("PRAGMA user_version = " + current());
            db.commit();
        } catch (SQLException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(true);
        }
    }
}
