package org.fbs.store;

import static org.fbs.testkit.Waits.until;
import static org.fbs.testkit.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.fbs.testkit.BuildBuilder;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.fbs.build.Artifact;
import org.fbs.build.Build;
import org.fbs.build.BuildState;
import org.fbs.build.ExtraPackage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildStoreTest {

    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00.123456789Z");

    @TempDir
    Path dataDir;

    private BuildStore store;

    @BeforeEach
    void open() throws Exception {
        store = BuildStore.open(dataDir);
    }

    @AfterEach
    void close() throws Exception {
        store.close();
    }

    private static Build queued(String arch) {
        JsonObject spec = new JsonObject().put("type", "boot").put("arch", arch).put("release", "rawhide")
            .put("boot", new JsonObject().put("product", "Fedora").put("updates", 1));
        return BuildBuilder.queued().spec(spec).address("build." + arch + ".rawhide").at(T0).build();
    }

    private Build insertIn(BuildState state) throws SQLException {
        Build b = store.insert(queued("x86_64"));
        Build moved = switch (state) {
            case QUEUED -> b;
            case ASSIGNED -> b.assigned("w1", "http://w1:5100/log/" + b.id(), T0.plusSeconds(1), null);
            case RUNNING -> b.assigned("w1", null, T0.plusSeconds(1), null).running("image", T0.plusSeconds(2), 1);
            default -> b.finished(state, "done", List.of(), T0.plusSeconds(3), 2);
        };
        if (moved != b) {
            store.update(moved);
        }
        return moved;
    }

    private void reopen() throws Exception {
        store.close();
        store = BuildStore.open(dataDir);
    }

    @Test
    void anAccountBelongsToOneIssuerAndSubjectAndKeepsItsNameThroughRenames() throws Exception {
        String iss = "https://id.example.org";
        // The first login with a name gets it as its account: builds stored under that name before stay its own.
        assertThat(store.account(iss, "sub-1", "alice")).isEqualTo("alice");
        assertThat(store.account(iss, "sub-1", "alice")).isEqualTo("alice");
        // Another subject (or issuer) with the same name is another account.
        String other = store.account(iss, "sub-2", "alice");
        assertThat(other).startsWith("alice~").hasSize("alice~".length() + 8);
        assertThat(store.account("https://other.example.org", "sub-1", "alice")).isNotIn("alice", other);
        // A renamed user keeps their account; their old name stays theirs.
        assertThat(store.account(iss, "sub-1", "alicia")).isEqualTo("alice");
        assertThat(store.account(iss, "sub-3", "alicia")).isEqualTo("alicia");
        reopen();
        assertThat(store.account(iss, "sub-2", "alice")).isEqualTo(other);
    }

    @Test
    void insertAssignsIncreasingIds() throws Exception {
        Build first = store.insert(queued("x86_64"));
        Build second = store.insert(queued("aarch64"));

        assertThat(first.id()).isPositive();
        assertThat(second.id()).isGreaterThan(first.id());
        assertThat(second.spec().getString("arch")).isEqualTo("aarch64");
    }

    @Test
    void aStoredBuildComesBackEqualAfterTheStoreIsReopened() throws Exception {
        Build b = store.insert(queued("x86_64"));
        Build done = b.assigned("w1", "http://w1:5100/log/" + b.id(), T0.plusSeconds(1), null)
            .running("image", T0.plusSeconds(2), 3)
            .finished(BuildState.SUCCEEDED, null,
                List.of(new Artifact("boot.iso", 123_456_789_012L, "ab".repeat(32), "file:///srv/fbs/x/boot.iso")),
                T0.plusSeconds(3), 4);
        store.update(done);

        reopen();

        assertThat(store.get(b.id())).contains(done);
        assertThat(store.get(b.id() + 1000)).isEmpty();
    }

    @Test
    void theExtraPackagesOfABuildAreStoredAndARecordWithoutThemReadsAsNone() throws Exception {
        Build b = store.insert(queued("x86_64"));
        Build done = b.assigned("w1", null, T0.plusSeconds(1), null)
            .finished(BuildState.SUCCEEDED, null, List.of(), T0.plusSeconds(3), 4)
            .withExtraPackages(List.of(new ExtraPackage("anaconda-41.35-1.fc41.x86_64", 2_345_678),
                new ExtraPackage("anaconda-core-41.35-1.fc41.x86_64", 3_000_000_000L)));
        store.update(done);

        reopen();

        assertThat(store.get(b.id())).contains(done);
        JsonObject older = done.toJson();
        older.remove("extraPackages");
        assertThat(Build.fromJson(older).extraPackages()).isEmpty();
        assertThat(Build.fromJson(done.toJson())).isEqualTo(done);
    }

    @Test
    void updatePersistsTheNewStateAndHistory() throws Exception {
        Build b = store.insert(queued("x86_64"));
        store.update(b.assigned("w1", null, T0.plusSeconds(1), null).running("side-repo", T0.plusSeconds(2), 1));

        reopen();

        Build read = store.get(b.id()).orElseThrow();
        assertThat(read.state()).isEqualTo(BuildState.RUNNING);
        assertThat(read.stage()).isEqualTo("side-repo");
        assertThat(read.history()).extracting(t -> t.state())
            .containsExactly(BuildState.QUEUED, BuildState.ASSIGNED, BuildState.RUNNING);
        // The state column, not only the document, follows the update.
        assertThat(store.list(BuildQuery.all(10).inState(BuildState.RUNNING)))
            .extracting(Build::id).containsExactly(b.id());
        assertThat(store.list(BuildQuery.all(10).inState(BuildState.QUEUED))).isEmpty();
    }

    @Test
    void listIsNewestFirstFilteredByStateAndLimited() throws Exception {
        Build q1 = insertIn(BuildState.QUEUED);
        Build f1 = insertIn(BuildState.FAILED);
        Build q2 = insertIn(BuildState.QUEUED);
        Build q3 = insertIn(BuildState.QUEUED);

        assertThat(store.list(BuildQuery.all(10)))
            .extracting(Build::id).containsExactly(q3.id(), q2.id(), f1.id(), q1.id());
        assertThat(store.list(BuildQuery.all(10).inState(BuildState.QUEUED)))
            .extracting(Build::id).containsExactly(q3.id(), q2.id(), q1.id());
        assertThat(store.list(BuildQuery.all(2).inState(BuildState.QUEUED)))
            .extracting(Build::id).containsExactly(q3.id(), q2.id());
        assertThat(store.list(BuildQuery.all(10).inState(BuildState.FAILED)))
            .extracting(Build::id).containsExactly(f1.id());
        assertThat(store.list(BuildQuery.all(10).inState(BuildState.CANCELED))).isEmpty();
    }

    @Test
    void aQueryFiltersByOwnerTypeArchAndRelease() throws Exception {
        Build aliceX86 = store.insert(queued("x86_64"));
        Build aliceArm = store.insert(queued("aarch64"));
        JsonObject live = new JsonObject().put("type", "live").put("arch", "x86_64").put("release", "41");
        Build bobLive = store.insert(BuildBuilder.queued().spec(live).owner("bob").at(T0).build());

        assertThat(store.list(BuildQuery.all(10).ownedBy("alice"))).extracting(Build::id)
            .containsExactly(aliceArm.id(), aliceX86.id());
        assertThat(store.list(BuildQuery.all(10).ownedBy("bob"))).extracting(Build::owner).containsExactly("bob");
        assertThat(store.list(new BuildQuery(null, null, "live", null, null, 10))).extracting(Build::id)
            .containsExactly(bobLive.id());
        assertThat(store.list(new BuildQuery(null, null, null, "x86_64", null, 10))).extracting(Build::id)
            .containsExactly(bobLive.id(), aliceX86.id());
        assertThat(store.list(new BuildQuery("alice", BuildState.QUEUED, "boot", "aarch64", "rawhide", 10)))
            .extracting(Build::id).containsExactly(aliceArm.id());
        assertThat(store.list(new BuildQuery("alice", null, null, null, "41", 10))).isEmpty();
    }

    @Test
    void aStoreWrittenBeforeOwnersIsMigratedAndKeepsItsBuilds() throws Exception {
        store.close();
        Path old = dataDir.resolve("old");
        Files.createDirectories(old);
        // The first schema, as FBS wrote it before it numbered its schema steps (user_version 0).
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + old.resolve("fbs.db"));
             Statement s = db.createStatement()) {
            s.execute("CREATE TABLE builds (id INTEGER PRIMARY KEY AUTOINCREMENT, state TEXT NOT NULL, doc TEXT NOT NULL)");
            s.execute("CREATE TABLE mails (id INTEGER PRIMARY KEY AUTOINCREMENT, status TEXT NOT NULL, "
                + "next_try INTEGER NOT NULL, doc TEXT NOT NULL)");
            JsonObject doc = queued("x86_64").toJson();
            doc.remove("owner");
            s.execute("INSERT INTO builds(state, doc) VALUES ('QUEUED', '" + doc.encode() + "')");
        }
        store = BuildStore.open(old);
        assertThat(store.list(BuildQuery.all(10).inState(BuildState.QUEUED))).singleElement()
            .satisfies(b -> assertThat(b.owner()).isNull());
        Build mine = store.insert(queued("aarch64"));
        assertThat(store.list(BuildQuery.all(10).ownedBy("alice"))).extracting(Build::id).containsExactly(mine.id());
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + old.resolve("fbs.db"));
             Statement s = db.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            assertThat(rs.getInt(1)).isEqualTo(StoreSchema.current());
        }
    }

    @Test
    void aStoreFromANewerFbsIsRefused() throws Exception {
        store.close();
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("fbs.db"));
             Statement s = db.createStatement()) {
            s.execute("PRAGMA user_version = " + (StoreSchema.current() + 1));
        }
        assertThatThrownBy(() -> BuildStore.open(dataDir)).isInstanceOf(SQLException.class)
            .hasMessageContaining("newer FBS");
        store = BuildStore.open(dataDir.resolve("fresh"));
    }

    @Test
    void unfinishedReturnsOnlyQueuedAssignedAndRunningOldestFirst() throws Exception {
        Build running = insertIn(BuildState.RUNNING);
        insertIn(BuildState.SUCCEEDED);
        Build queued = insertIn(BuildState.QUEUED);
        insertIn(BuildState.FAILED);
        Build assigned = insertIn(BuildState.ASSIGNED);
        insertIn(BuildState.CANCELED);

        assertThat(store.unfinished()).extracting(Build::id)
            .containsExactly(running.id(), queued.id(), assigned.id());
    }

    @Test
    void updateOfAnUnknownIdThrows() throws Exception {
        Build ghost = queued("x86_64").withId(4242);

        assertThatThrownBy(() -> store.update(ghost)).isInstanceOf(SQLException.class).hasMessageContaining("4242");
        assertThat(store.list(BuildQuery.all(10))).isEmpty();
    }

    @Test
    void aDeletedTokensHashAndAnEndedBuildsPasswordLeaveNoTraceInTheDatabaseFiles() throws Exception {
        // What an attacker who gets a copy of the data dir would look for: the token's stored hash, the password.
        String hash = "5ec7e7" + "0123456789abcdef".repeat(3) + "feedface00";
        String password = "Hunter2-Zq9xW4";
        ApiToken token = store.insertToken(new ApiToken(0, "ci", "alice", "alice@example.org", false, T0, null), hash);
        JsonObject spec = queued("x86_64").spec().copy().put("staging", "ftp://bob:" + password + "@ftp.example.org/pub");
        Build build = store.insert(BuildBuilder.queued().spec(spec).address("build.x86_64.rawhide").at(T0).build());
        Build running = build.assigned("w1", null, T0.plusSeconds(1), null).running("image", T0.plusSeconds(2), 1);
        store.update(running);
        assertThat(fileBytes()).as("the secrets are really in the files before").contains(hash, password);

        assertThat(store.deleteToken(token.id(), "alice")).isTrue();
        // The way the dispatcher writes an ended build: in a batch, without the passwords of its spec.
        store.batch(List.of(s -> {
            s.update(running.finished(BuildState.FAILED, "lorax failed", List.of(), T0.plusSeconds(3), 2)
                .withoutSecrets());
            return null;
        }));

        assertThat(fileBytes()).doesNotContain(hash, password);
        assertThat(store.get(build.id()).orElseThrow().spec().getString("staging"))
            .isEqualTo("ftp://bob:***@ftp.example.org/pub");
        reopen();
        assertThat(store.tokens("alice")).isEmpty();
    }

    @Test
    void anEndedBuildWithoutAPasswordIsNotWipedFor() throws Exception {
        // The wipe empties the write-ahead log (a checkpoint that holds every other write back); with no password in
        // the build there is nothing to wipe, and most builds have none.
        Build build = store.insert(queued("x86_64"));
        Build running = build.assigned("w1", null, T0.plusSeconds(1), null).running("image", T0.plusSeconds(2), 1);
        store.update(running);
        store.update(running.finished(BuildState.SUCCEEDED, null, List.of(), T0.plusSeconds(3), 2).withoutSecrets());

        assertThat(Files.size(dataDir.resolve("fbs.db-wal"))).as("the log was not emptied").isPositive();

        Build other = store.insert(BuildBuilder.queued().spec(queued("x86_64").spec().copy()
            .put("staging", "ftp://bob:Hunter2@ftp.example.org/pub")).address("build.x86_64.rawhide").at(T0).build());
        store.update(other.finished(BuildState.CANCELED, "canceled", List.of(), T0.plusSeconds(3), 1)
            .withoutSecrets());
        assertThat(Files.size(dataDir.resolve("fbs.db-wal"))).as("a password was there: the log is emptied").isZero();
    }

    /** Everything SQLite keeps on disk for the store (the database, its write-ahead log), as Latin-1 text. */
    private String fileBytes() throws Exception {
        StringBuilder all = new StringBuilder();
        try (var files = Files.list(dataDir)) {
            for (Path f : files.toList()) {
                all.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
        return all.toString();
    }

    @Test
    void theDatabaseIsInTheDataDirAndUsesWriteAheadLogging() throws Exception {
        Path nested = dataDir.resolve("not/yet/there");
        try (BuildStore other = BuildStore.open(nested)) {
            other.insert(queued("x86_64"));
            assertThat(nested.resolve("fbs.db")).isRegularFile();
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + nested.resolve("fbs.db"));
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
            }
        }
        assertThat(Files.list(nested)).allMatch(p -> p.getFileName().toString().startsWith("fbs.db"));
    }

    @Test
    void theAsyncStoreRunsTheSameOperationsOffTheEventLoop() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            AsyncBuildStore async = new AsyncBuildStore(vertx, store);
            Build a = await(async.insert(queued("x86_64")));
            Build b = await(async.insert(queued("aarch64")));
            Build running = a.assigned("w1", null, T0.plusSeconds(1), null).running("image", T0.plusSeconds(2), 1);
            await(async.update(running));

            assertThat(await(async.get(a.id()))).contains(running);
            assertThat(await(async.list(BuildQuery.all(10)))).extracting(Build::id).containsExactly(b.id(), a.id());
            assertThat(await(async.unfinished())).extracting(Build::id).containsExactly(a.id(), b.id());

            Future<Void> closing = async.close();
            assertThat(async.close()).as("a second close waits for the first").isSameAs(closing);
            await(closing);
            assertThatThrownBy(() -> store.get(a.id())).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> await(async.get(a.id()))).hasMessageContaining("the build store is closed");
            store = BuildStore.open(dataDir); // for @AfterEach
        } finally {
            await(vertx.close());
        }
    }

    @Test
    void aBatchCommitsTogetherAndAFailingPieceIsUndoneAlone() throws Exception {
        Build existing = store.insert(queued("x86_64"));
        Build ghost = queued("s390x").withId(4242);
        Build moved = existing.assigned("w1", null, T0.plusSeconds(1), null);

        List<BuildStore.Outcome> outcomes = store.batch(List.of(
            s -> s.insert(queued("aarch64")),
            s -> {
                s.update(ghost); // no such build: this piece fails
                return null;
            },
            s -> {
                s.insert(queued("ppc64le"));
                throw new IllegalStateException("a bug in a piece of work"); // undone, with its insert
            },
            s -> {
                s.update(moved);
                return null;
            }));

        assertThat(outcomes.get(0).error()).isNull();
        assertThat(((Build) outcomes.get(0).value()).spec().getString("arch")).isEqualTo("aarch64");
        assertThat(outcomes.get(1).error()).isInstanceOf(SQLException.class).hasMessageContaining("4242");
        assertThat(outcomes.get(2).error()).isInstanceOf(IllegalStateException.class);
        assertThat(outcomes.get(3).error()).isNull();
        store.close();
        store = BuildStore.open(dataDir);
        assertThat(store.list(BuildQuery.all(10))).extracting(b -> b.spec().getString("arch"))
            .containsExactly("aarch64", "x86_64");
        assertThat(store.get(existing.id())).contains(moved);
    }

    @Test
    void concurrentAsyncWritesAreGroupedYetEachIsStoredAndAnsweredOnItsCallersContext() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            AsyncBuildStore async = new AsyncBuildStore(vertx, store);
            int n = 300;
            List<Future<Build>> inserts = new ArrayList<>();
            Set<String> threads = ConcurrentHashMap.newKeySet();
            Promise<Void> sent = Promise.promise();
            vertx.runOnContext(v -> {
                for (int i = 0; i < n; i++) {
                    inserts.add(async.insert(queued(i % 2 == 0 ? "x86_64" : "aarch64"))
                        .onSuccess(b -> threads.add(Thread.currentThread().getName())));
                }
                sent.complete();
            });
            await(sent.future());
            List<Build> stored = await(Future.all(inserts)).list();

            assertThat(stored).extracting(Build::id).doesNotHaveDuplicates().hasSize(n);
            assertThat(threads).allMatch(t -> t.startsWith("vert.x-eventloop-thread"));
            await(async.close());
            store = BuildStore.open(dataDir);
            assertThat(store.list(BuildQuery.all(1000))).hasSize(n);
        } finally {
            await(vertx.close());
        }
    }

    /**
     * What the master does: its dispatcher closes the store when Vert.x stops it. Writes still on their way when
     * Vert.x closes are each answered, every one answered as stored is on disk, and Vert.x's close completes.
     */
    @Test
    void closingVertxWithWritesInFlightAnswersEachAndKeepsWhatItAnsweredAsStored() throws Exception {
        Vertx vertx = Vertx.vertx();
        AsyncBuildStore async = new AsyncBuildStore(vertx, store);
        List<Future<Build>> inserts = new java.util.concurrent.CopyOnWriteArrayList<>();
        await(vertx.deployVerticle(new io.vertx.core.VerticleBase() {
            @Override
            public Future<?> start() {
                vertx.setPeriodic(1, t -> inserts.add(async.insert(queued("x86_64"))));
                return Future.succeededFuture();
            }

            @Override
            public Future<?> stop() {
                return async.close();
            }
        }));
        until("an insert is stored", () -> inserts.stream().anyMatch(Future::succeeded));

        await(vertx.close());

        List<Future<Build>> all = List.copyOf(inserts);
        assertThat(all).isNotEmpty().allMatch(Future::isComplete);
        long answeredStored = all.stream().filter(Future::succeeded).count();
        assertThat(answeredStored).isPositive();
        store = BuildStore.open(dataDir);
        assertThat(store.list(BuildQuery.all(100_000))).hasSizeGreaterThanOrEqualTo((int) answeredStored);
    }
}
