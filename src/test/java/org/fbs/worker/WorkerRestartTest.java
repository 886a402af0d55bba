package org.fbs.worker;

import static org.fbs.testkit.Ports.freePort;
import static org.fbs.testkit.Waits.until;
import static org.fbs.testkit.Waits.await;
import org.fbs.testkit.JobOfferBuilder;
import org.fbs.testkit.WorkerSettingsBuilder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.fbs.config.WorkerSettings;
import org.fbs.protocol.Addresses;
import org.fbs.protocol.BuildEvent;
import org.fbs.protocol.BuildEvent.Kind;
import org.fbs.protocol.OfferReply;
import org.fbs.spec.SpecException;
import org.fbs.spec.SpecParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker process that ends, by SIGTERM or by kill -9, and one started again on the same work dir, with real tool
 * processes and real files. Each "process" is a Vert.x instance of its own over the same dirs; this test plays the
 * master on the current one (it offers jobs and acknowledges events).
 */
class WorkerRestartTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private Path workDir;
    private Path staging;
    private Vertx vertx;
    private final List<BuildEvent> events = new CopyOnWriteArrayList<>();
    /** Run when a LOST event arrives, before it is acknowledged: what the test checks at that moment. */
    private volatile Runnable onLost = () -> { };
    private final List<Process> started = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        workDir = Files.createDirectories(tmp.resolve("work"));
        staging = Files.createDirectories(tmp.resolve("staging"));
        vertx = newProcess();
    }

    @AfterEach
    void tearDown() throws Exception {
        await(vertx.close());
        for (Process process : started) {
            process.destroyForcibly().waitFor();
        }
    }

    /** A new "worker process": a Vert.x with this test's master side on its event bus. */
    private Vertx newProcess() throws Exception {
        Vertx next = Vertx.vertx();
        await(next.eventBus().<JsonObject>consumer(Addresses.EVENTS, this::onEvent).completion());
        return next;
    }

    private void onEvent(Message<JsonObject> msg) {
        BuildEvent event = BuildEvent.fromJson(msg.body());
        if (event.kind() == Kind.LOST) {
            onLost.run();
        }
        events.add(event);
        msg.reply(null);
    }

    // ---- the tests ----------------------------------------------------------------------------------------------

    @Test
    void eachAttemptRunsInAWorkDirOfItsOwn() throws Exception {
        Path dirs = tmp.resolve("dirs.txt");
        Path staleDir = Files.createDirectories(workDir.resolve("builds/31-attempt-2"));
        Files.writeString(staleDir.resolve("boot.iso"), "what an earlier attempt's tool left");
        startWorker(wrapper("lorax", "printf '%s\\n' \"$PWD\" >> " + quoted(dirs) + "\n"
            + "exec " + quoted(Path.of("src/test/standins/lorax").toAbsolutePath()) + " \"$@\"\n"));

        assertThat(offer(31, 3).accepted()).isTrue();

        assertThat(awaitEnd(31).kind()).isEqualTo(Kind.SUCCEEDED);
        assertThat(Files.readAllLines(dirs)).containsExactly(workDir.resolve("builds/31-attempt-3").toString());
        assertThat(workDir.resolve("builds/31-attempt-3")).doesNotExist();
        assertThat(staleDir.resolve("boot.iso")).hasContent("what an earlier attempt's tool left");
    }

    @Test
    void aRestartStopsTheToolsAKilledWorkerLeftAndWhatTheyStartedThenRemovesTheirDirAndReportsTheRunLost()
        throws Exception {
        Path pids = tmp.resolve("pids");
        Path tool = wrapper("lorax-with-child", "sleep 600 &\n"
            + "echo $! > " + quoted(pids) + ".child\n"
            + "echo $$ > " + quoted(pids) + ".tool\n"
            + "wait\n");
        WorkerSettings settings = settings(Map.of("lorax", tool.toString()));
        // The process about to be killed: it marks run 5/2 and starts the tool the way a build does.
        Vertx killed = Vertx.vertx();
        EventOutbox dying = new EventOutbox(killed, settings.outboxDir(), settings.id());
        assertThat(await(dying.start())).isEmpty();
        await(dying.markRunning(5, 2));
        Path dir = Files.createDirectories(BuildRunner.workDirOf(workDir, 5, 2));
        Files.writeString(dir.resolve("lorax.log"), "half an image");
        RunningTools tools = new RunningTools(dying::recordTools);
        BuildLog log = BuildLog.open(settings.logsDir(), 5, killed.eventBus(), new LiveLogs(), settings.maxLogLine());
        Thread build = new Thread(() -> {
            try {
                ToolProcess.run(List.of(tool.toString()), dir, log, tools, 5, Duration.ofHours(1));
            } catch (IOException | InterruptedException e) {
                // the tool's end is what the test looks at
            }
        });
        build.setDaemon(true);
        build.start();
        until("the tool and its child to start", () -> pid(Path.of(pids + ".tool")) > 0
            && pid(Path.of(pids + ".child")) > 0);
        ProcessHandle toolProcess = ProcessHandle.of(pid(Path.of(pids + ".tool"))).orElseThrow();
        ProcessHandle child = ProcessHandle.of(pid(Path.of(pids + ".child"))).orElseThrow();
        assertThat(child.parent()).contains(toolProcess);
        until("the tool in the run marker", () -> marker(5).getJsonArray("tools").size() == 1);
        // kill -9: nothing of that process stops the tool, which goes on running; a new one starts on the same dirs.
        assertThat(toolProcess.isAlive()).isTrue();
        boolean[] aliveWhenLost = {true, true};
        onLost = () -> {
            aliveWhenLost[0] = toolProcess.isAlive();
            aliveWhenLost[1] = child.isAlive();
        };

        startWorker(settings);

        BuildEvent lost = awaitEnd(5);
        assertThat(lost.kind()).isEqualTo(Kind.LOST);
        assertThat(lost.attempt()).isEqualTo(2);
        assertThat(aliveWhenLost).as("the tool and its child, when the run was reported lost")
            .containsExactly(false, false);
        assertThat(toolProcess.isAlive()).isFalse();
        assertThat(child.isAlive()).isFalse();
        assertThat(dir).doesNotExist();
        until("the run marker removed", () -> !hasMarker(5));
        build.join(WAIT.toMillis());
        log.close();
        await(dying.close());
        await(killed.close());
    }

    @Test
    void aRecordedPidThatNowNamesAnotherProcessIsLeftAlone() throws Exception {
        Process sleep = start("sleep", "600");
        // What a killed worker recorded before a reboot, in the format before start ticks (and before the journal:
        // a run marker file of its own, moved into the journal at start): the same pid, a process that started at
        // another instant.
        JsonObject recorded = new JsonObject().put("pid", sleep.pid())
            .put("started", sleep.info().startInstant().orElseThrow().minusSeconds(30).toString());
        Files.createDirectories(workDir.resolve("outbox"));
        Files.writeString(workDir.resolve("outbox/run-12.json"), new JsonObject().put("build", 12).put("attempt", 1)
            .put("tools", new JsonArray().add(recorded)).encode());

        startWorker(settings(Map.of("lorax", wrapper("lorax", "exit 0\n").toString())));

        BuildEvent lost = awaitEnd(12);
        assertThat(lost.kind()).isEqualTo(Kind.LOST);
        assertThat(sleep.isAlive()).isTrue();
        assertThat(RunningTools.stopRecorded(List.of(RecordedTool.fromJson(recorded)))).isZero();
        assertThat(sleep.isAlive()).isTrue();
    }

    @Test
    void aStoppedWorkerReportsNoFailureKeepsTheRunForARequeueAndItsRestartReportsItLost() throws Exception {
        Path pids = tmp.resolve("pids");
        WorkerSettings settings = settings(Map.of("lorax", wrapper("lorax-with-child", "sleep 600 &\n"
            + "echo $! > " + quoted(pids) + ".child\n"
            + "echo $$ > " + quoted(pids) + ".tool\n"
            + "wait\n").toString()));
        startWorker(settings);
        assertThat(offer(21, 2).accepted()).isTrue();
        until("the tool and its child to start", () -> pid(Path.of(pids + ".tool")) > 0
            && pid(Path.of(pids + ".child")) > 0);
        ProcessHandle tool = ProcessHandle.of(pid(Path.of(pids + ".tool"))).orElseThrow();
        ProcessHandle child = ProcessHandle.of(pid(Path.of(pids + ".child"))).orElseThrow();

        await(vertx.close()); // what SIGTERM does: Main's shutdown hook closes Vert.x

        assertThat(tool.isAlive()).as("the tool").isFalse();
        assertThat(child.isAlive()).as("its child").isFalse();
        assertThat(events).filteredOn(e -> e.buildId() == 21).extracting(BuildEvent::kind)
            .containsOnly(Kind.STAGE).isNotEmpty();
        assertThat(marker(21).getInteger("attempt")).isEqualTo(2);
        assertThat(Files.readString(BuildLog.fileOf(settings.logsDir(), 21)))
            .contains("worker w-test stopped during the build; its tools and their children were stopped, "
                + "and the build is queued again")
            .doesNotContain("build failed");
        assertThat(BuildRunner.workDirOf(workDir, 21, 2)).doesNotExist();
        assertThat(workDir.resolve("failed")).doesNotExist();

        vertx = newProcess();
        startWorker(settings);

        BuildEvent lost = awaitEnd(21);
        assertThat(lost.kind()).isEqualTo(Kind.LOST);
        assertThat(lost.attempt()).isEqualTo(2);
        until("the run marker removed", () -> !hasMarker(21));
    }

    @Test
    void aToolIsKnownByItsStartTicksEvenWhenTheClockWasSteppedAndAnotherProcessByThemIsLeftAlone() throws Exception {
        Process sleep = start("sleep", "600");
        RecordedTool recorded = RecordedTool.of(sleep.toHandle()).orElseThrow();
        assertThat(recorded.startTicks()).isEqualTo(ProcessStartTicks.of(sleep.pid()).orElseThrow());
        Instant started = sleep.info().startInstant().orElseThrow();
        assertThat(recorded.started()).isEqualTo(started);

        RecordedTool otherTicks = RecordedTool.fromJson(new RecordedTool(sleep.pid(), recorded.startTicks() + 1,
            started).toJson());
        assertThat(otherTicks.find()).isEmpty();
        assertThat(RunningTools.stopRecorded(List.of(otherTicks))).isZero();
        assertThat(sleep.isAlive()).isTrue();
        // An older marker (no ticks) is matched by its instant.
        assertThat(RecordedTool.fromJson(new JsonObject().put("pid", sleep.pid()).put("started", started.toString()))
            .find()).contains(sleep.toHandle());
        // After a clock step the instant the JDK gives has moved; the ticks have not.
        RecordedTool stepped = RecordedTool.fromJson(new RecordedTool(sleep.pid(), recorded.startTicks(),
            started.minusSeconds(3600)).toJson());
        assertThat(RunningTools.stopRecorded(List.of(stepped))).isEqualTo(1);
        assertThat(sleep.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void theStartTicksAreReadAfterTheLastParenthesisOfTheCommandName() throws Exception {
        assertThat(ProcessStartTicks.parse("4242 (a) (b c) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 "
            + "987654 2000000 100 18446744073709551615")).isEqualTo(987654);
        // A real process whose command name holds ") (": the JDK's start instant is the boot time plus its ticks.
        Path odd = Files.createSymbolicLink(tmp.resolve("x) (y 1 2"), Path.of("/bin/sleep"));
        Process sleep = start(odd.toString(), "600");
        until("its command name", () -> readStat(sleep.pid()).contains("(x) (y 1 2)"));
        long ticks = ProcessStartTicks.of(sleep.pid()).orElseThrow();
        long bootMillis = Files.readAllLines(Path.of("/proc/stat")).stream().filter(l -> l.startsWith("btime "))
            .mapToLong(l -> Long.parseLong(l.substring(6).trim())).findFirst().orElseThrow() * 1000;
        long clockTicks = Long.parseLong(new String(new ProcessBuilder("getconf", "CLK_TCK").start().getInputStream()
            .readAllBytes()).trim());
        assertThat(bootMillis + ticks * 1000 / clockTicks)
            .isEqualTo(sleep.info().startInstant().orElseThrow().toEpochMilli());
        assertThatThrownBy(() -> ProcessStartTicks.parse("4242 no name here")).isInstanceOf(
            IllegalArgumentException.class);
    }

    @Test
    void aBuildThatFailedByItselfBeforeTheStopEndsFailedAndAnOfferRacingTheStopIsDeclined() throws Exception {
        Path go = fifo(tmp.resolve("go"));
        WorkerSettings settings = settings(Map.of("lorax", wrapper("lorax", "read -r line < " + quoted(go) + "\n"
            + "echo 'lorax: failed to install the packages'\nexit 1\n").toString()), 2);
        startWorker(settings);
        assertThat(offer(41, 1).accepted()).isTrue();
        until("the tool of build 41 in its run marker", () -> marker(41).getJsonArray("tools").size() == 1);
        // The next offer's run is being marked and its log opened (a FIFO: the open waits for a reader) ...
        fifo(BuildLog.fileOf(settings.logsDir(), 42));
        AtomicReference<JsonObject> racing = new AtomicReference<>();
        vertx.eventBus().<JsonObject>request(Addresses.build("x86_64", "41"),
            JobOfferBuilder.offer(42, spec()).build().toJson(),
            new DeliveryOptions().setSendTimeout(WAIT.toMillis())).onSuccess(reply -> racing.set(reply.body()));
        until("the run of build 42 marked", () -> hasMarker(42));
        // ... when build 41's tool fails by itself, ...
        try (var out = Files.newOutputStream(go)) {
            out.write("go\n".getBytes());
        }
        until("build 41 failed", () -> read(BuildLog.fileOf(settings.logsDir(), 41)).contains("build failed: lorax "
            + "exited with status 1"));
        // ... and SIGTERM comes: the stop waits for the offer being decided.
        Future<Void> closed = vertx.close();
        until("the worker stopping", () -> {
            try {
                return offer(43, 1).reason().contains("is stopping");
            } catch (Exception e) {
                return false;
            }
        });
        Thread reader = new Thread(() -> read(BuildLog.fileOf(settings.logsDir(), 42)));
        reader.start();
        await(closed);
        reader.join(WAIT.toMillis());

        assertThat(racing.get()).as("the answer to the offer racing the stop").isNotNull();
        OfferReply declined = OfferReply.fromJson(racing.get());
        assertThat(declined.accepted()).isFalse();
        assertThat(declined.reason()).isEqualTo("worker w-test is stopping");
        assertThat(hasMarker(42)).isFalse();
        assertThat(hasMarker(41)).as("the run marker of the failed build, removed with its FAILED event on disk")
            .isFalse();

        vertx = newProcess();
        startWorker(settings);
        assertThat(awaitEnd(41).kind()).isEqualTo(Kind.FAILED);
        assertThat(awaitEnd(41).reason()).contains("lorax exited with status 1");
        until("every event acknowledged", () -> outboxEvents() == 0);
        assertThat(events).extracting(BuildEvent::kind).doesNotContain(Kind.LOST);
        assertThat(events).extracting(BuildEvent::buildId).doesNotContain(42L, 43L);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private WorkerSettings settings(Map<String, String> tools) throws IOException {
        return settings(tools, 1);
    }

    private WorkerSettings settings(Map<String, String> tools, int slots) throws IOException {
        int port = freePort();
        return WorkerSettingsBuilder.worker(workDir).httpPort(port).slots(slots).stagingRoots(staging)
            .tools(tools).build();
    }

    private void startWorker(Path lorax) throws Exception {
        startWorker(settings(Map.of("lorax", lorax.toString())));
    }

    private void startWorker(WorkerSettings settings) throws Exception {
        await(WorkerRole.deploy(vertx, settings));
    }

    private OfferReply offer(long id, int attempt) throws Exception {
        Message<JsonObject> reply = await(vertx.eventBus().request(Addresses.build("x86_64", "41"),
            JobOfferBuilder.offer(id, spec()).attempt(attempt).build().toJson(),
            new DeliveryOptions().setSendTimeout(10_000)));
        return OfferReply.fromJson(reply.body());
    }

    private JsonObject spec() throws SpecException {
        return SpecParser.fromIni("[DEFAULT]\ntype=boot\narch=x86_64\nrelease=41\nstaging=file://" + staging
            + "\n[boot]\n").toJson();
    }

    /** A named pipe: opening it waits for the other end, which lets a test hold a process at a known point. */
    private static Path fifo(Path path) throws Exception {
        assertThat(new ProcessBuilder("mkfifo", path.toString()).start().waitFor()).isZero();
        return path;
    }

    /** The file's text (a FIFO's until its writer closes it), or "" when it cannot be read. */
    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    private static String readStat(long pid) {
        return read(Path.of("/proc", Long.toString(pid), "stat"));
    }

    /** How many events the outbox still keeps (not acknowledged yet). */
    private long outboxEvents() {
        try {
            return WorkerJournal.read(workDir.resolve("outbox")).events().size();
        } catch (IOException e) {
            return -1;
        }
    }

    /** The first event of {@code build} that ends its run (SUCCEEDED, FAILED, CANCELED or LOST). */
    private BuildEvent awaitEnd(long build) throws InterruptedException {
        until("the end of build " + build, () -> events.stream()
            .anyMatch(e -> e.buildId() == build && e.kind().isFinal()));
        return events.stream().filter(e -> e.buildId() == build && e.kind().isFinal()).findFirst().orElseThrow();
    }

    /** Whether the worker's journal holds a run marker of {@code build}, as a restart would read it. */
    private boolean hasMarker(long build) {
        try {
            return WorkerJournal.read(workDir.resolve("outbox")).runs().containsKey(build);
        } catch (IOException e) {
            return false;
        }
    }

    private JsonObject marker(long build) {
        try {
            return WorkerJournal.read(workDir.resolve("outbox")).runs().getOrDefault(build,
                new JsonObject().put("tools", new JsonArray()));
        } catch (IOException e) {
            return new JsonObject().put("tools", new JsonArray());
        }
    }

    private Process start(String... command) throws IOException {
        Process process = new ProcessBuilder(command).start();
        started.add(process);
        return process;
    }

    /** An executable /bin/sh script in the temp dir; it answers the worker's version probe (-V) and nothing else. */
    private Path wrapper(String name, String body) throws IOException {
        Path script = tmp.resolve(name);
        Files.writeString(script, "#!/bin/sh\n" + "if [ \"$1\" = -V ]; then echo " + name + "; exit 0; fi\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private static String quoted(Path path) {
        return "'" + path.toString().replace("'", "'\\''") + "'";
    }

    /** The pid written in {@code file}, or 0 while it is not there yet. */
    private static long pid(Path file) {
        try {
            String text = Files.readString(file).trim();
            return text.isEmpty() ? 0 : Long.parseLong(text);
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }
}
