package org.fbs.staging;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import org.apache.ftpserver.FtpServer;
import org.apache.ftpserver.FtpServerFactory;
import org.apache.ftpserver.ftplet.Authority;
import org.apache.ftpserver.ftplet.DefaultFtpReply;
import org.apache.ftpserver.ftplet.DefaultFtplet;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.ftplet.FtpFile;
import org.apache.ftpserver.ftplet.FtpRequest;
import org.apache.ftpserver.ftplet.FileSystemFactory;
import org.apache.ftpserver.ftplet.FileSystemView;
import org.apache.ftpserver.ftplet.FtpSession;
import org.apache.ftpserver.ftplet.FtpletResult;
import org.apache.ftpserver.ftplet.User;
import org.apache.ftpserver.ftplet.UserManager;
import org.apache.ftpserver.filesystem.nativefs.NativeFileSystemFactory;
import org.apache.ftpserver.listener.ListenerFactory;
import org.apache.ftpserver.usermanager.ClearTextPasswordEncryptor;
import org.apache.ftpserver.usermanager.PropertiesUserManagerFactory;
import org.apache.ftpserver.usermanager.impl.BaseUser;
import org.apache.ftpserver.usermanager.impl.TransferRatePermission;
import org.apache.ftpserver.usermanager.impl.WritePermission;

/**
 * A real FTP server (Apache FtpServer) on loopback for tests, serving {@code root}; a user with a folder
 * {@code root/home/NAME} starts there (the login directory), the others at the root. Users: anonymous, {@link #USER}
 * with {@link #PASSWORD}, and {@link #SLOW_USER} whose uploads are held to {@link #SLOW_RATE} bytes/s. It records
 * every command it receives, and can be told to break the next upload once the file has a given size, to refuse
 * REST, or to refuse every upload.
 */
public final class EmbeddedFtpServer implements AutoCloseable {

    public static final String USER = "bob";
    public static final String PASSWORD = "s3cr@t:pw";
    public static final String SLOW_USER = "slow";
    public static final int SLOW_RATE = 2 * 1024 * 1024;

    public final Path root;
    public final int port;
    /** Every command received, as sent ("STOR .boot.iso.partial", "REST 1048576"); PASS arguments hidden. */
    public final List<String> commands = new CopyOnWriteArrayList<>();

    private final FtpServer server;
    private final AtomicLong dropNextUploadAt = new AtomicLong(-1);
    private volatile boolean refuseRest;
    private volatile boolean refuseUploads;

    public EmbeddedFtpServer(Path root) throws FtpException {
        this.root = root;
        PropertiesUserManagerFactory users = new PropertiesUserManagerFactory();
        users.setPasswordEncryptor(new ClearTextPasswordEncryptor());
        UserManager manager = users.createUserManager();
        manager.save(user("anonymous", null, List.of(new WritePermission())));
        manager.save(user(USER, PASSWORD, List.of(new WritePermission())));
        manager.save(user(SLOW_USER, SLOW_USER,
            List.of(new WritePermission(), new TransferRatePermission(0, SLOW_RATE))));

        FtpServerFactory factory = new FtpServerFactory();
        ListenerFactory listener = new ListenerFactory();
        listener.setServerAddress("127.0.0.1");
        listener.setPort(0);
        factory.addListener("default", listener.createListener());
        factory.setUserManager(manager);
        factory.setFileSystem(new BreakableFiles());
        factory.setFtplets(new HashMap<>(Map.of("test", new Recorder())));
        server = factory.createServer();
        server.start();
        port = factory.getListener("default").getPort();
    }

    private BaseUser user(String name, String password, List<Authority> rights) {
        BaseUser user = new BaseUser();
        user.setName(name);
        user.setPassword(password);
        user.setHomeDirectory(root.toString());
        user.setAuthorities(rights);
        return user;
    }

    /**
     * The next upload's data connection is closed by the server once the file on disk has {@code bytes}. A staging
     * folder's marker does not count as an upload here: it goes first, and the tests break the files after it.
     */
    public void dropNextUploadAt(long bytes) {
        dropNextUploadAt.set(bytes);
    }

    /** From now on, REST is answered 502 (not implemented), as by a server that cannot resume. */
    public void refuseRest() {
        refuseRest = true;
    }

    /** From now on, every upload is refused (552), as by a server whose disk is full. */
    public void refuseUploads() {
        refuseUploads = true;
    }

    public String url(String user, String password, String path) {
        return "ftp://" + (user == null ? "" : user + (password == null ? "" : ":" + password) + "@")
            + "127.0.0.1:" + port + path;
    }

    @Override
    public void close() {
        if (!server.isStopped()) {
            server.stop();
        }
    }

    /**
     * The native file system, except that the stream of an upload started after {@link #dropNextUploadAt} fails
     * once the file reaches that size: the server then aborts the transfer and closes its data connection, as
     * when a connection drops mid-upload.
     */
    private final class BreakableFiles implements FileSystemFactory {

        private final NativeFileSystemFactory real = new NativeFileSystemFactory();

        @Override
        public FileSystemView createFileSystemView(User user) throws FtpException {
            FileSystemView view = real.createFileSystemView(user);
            // A user with a folder under root/home logs in there, as on servers whose users have home folders.
            if (java.nio.file.Files.isDirectory(root.resolve("home").resolve(user.getName()))) {
                view.changeWorkingDirectory("/home/" + user.getName());
            }
            return proxy(FileSystemView.class, view, (method, result) -> result instanceof FtpFile file
                ? proxy(FtpFile.class, file, (m, r) -> breakUpload(file, m, r)) : result);
        }

        private Object breakUpload(FtpFile file, Method method, Object result) {
            boolean marker = file.getName().startsWith("." + StagingMark.FILE);
            boolean upload = method.getName().equals("createOutputStream") && !marker;
            long dropAt = upload ? dropNextUploadAt.getAndSet(-1) : -1;
            if (dropAt < 0) {
                return result;
            }
            return new FilterOutputStream((OutputStream) result) {
                private long written;

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    int allowed = (int) Math.min(len, Math.max(0, dropAt - written));
                    out.write(b, off, allowed);
                    written += allowed;
                    if (allowed < len) {
                        throw new IOException("connection dropped (test)");
                    }
                }
            };
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, T target, BiFunction<Method, Object, Object> after) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, new Wrapper(target, after));
    }

    /** Calls the wrapped object, handing it the objects behind any wrapped arguments (move() wants its own kind). */
    private record Wrapper(Object target, BiFunction<Method, Object, Object> after) implements InvocationHandler {

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            Object[] real = args == null ? null : args.clone();
            for (int i = 0; real != null && i < real.length; i++) {
                if (real[i] != null && Proxy.isProxyClass(real[i].getClass())
                    && Proxy.getInvocationHandler(real[i]) instanceof Wrapper w) {
                    real[i] = w.target();
                }
            }
            try {
                return after.apply(method, method.invoke(target, real));
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    private final class Recorder extends DefaultFtplet {

        @Override
        public FtpletResult beforeCommand(FtpSession session, FtpRequest request) throws FtpException, IOException {
            commands.add(request.getCommand().equals("PASS") ? "PASS ***" : request.getRequestLine());
            if (refuseUploads && request.getCommand().equals("STOR")) {
                session.write(new DefaultFtpReply(552, "Quota exceeded"));
                return FtpletResult.SKIP;
            }
            if (refuseRest && request.getCommand().equals("REST")) {
                session.write(new DefaultFtpReply(502, "REST not implemented here"));
                return FtpletResult.SKIP;
            }
            return super.beforeCommand(session, request);
        }
    }
}
