using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Tanager.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL server (Debian's, in /usr/lib/postgresql) and a PgBouncer in transaction pooling mode in front of
/// it, started once per test run on private ports in a temporary folder, and stopped when the run ends.
/// </summary>
public sealed class PostgresServer
{
    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartAsync);
    private readonly string _directory;
    private Process? _pgbouncer;

    private PostgresServer(string directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    public int Port { get; }
    public int PgBouncerPort { get; private set; }

    public static Task<PostgresServer> GetAsync() => Shared.Value;

    /// <summary>A fresh, empty database on the server.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "t" + Guid.NewGuid().ToString("N")[..16];
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return name;
    }

    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=30";

    /// <summary>The same database reached through PgBouncer (transaction pooling).</summary>
    public string PgBouncerConnectionString(string database) => $"Host=127.0.0.1;Port={PgBouncerPort};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=30";

    public string Url(string database) => $"postgres://postgres@127.0.0.1:{Port}/{database}";

    /// <summary>
    /// A PostgreSQL of the caller's own (no PgBouncer), for a test that stops and restarts it (<see cref="PauseAsync"/>,
    /// <see cref="ResumeAsync"/>); the watchdog stops it when the run ends.
    /// </summary>
    public static Task<PostgresServer> StartOwnAsync() => StartAsync(pgBouncer: false);

    /// <summary>Stops the server (fast shutdown: sessions are ended), keeping its data and port.</summary>
    public Task PauseAsync() => RunAsPostgresAsync(Path.Combine(_bin!, "pg_ctl"), ["-D", _data!, "-m", "fast", "-w", "stop"]);

    /// <summary>Starts the server again on the same port with the same data.</summary>
    public Task ResumeAsync() => RunAsPostgresAsync(Path.Combine(_bin!, "pg_ctl"), StartArguments(_data!, _directory, Port, _citus));

    private static string[] StartArguments(string data, string directory, int port, bool citus) => ["-D", data, "-l", Path.Combine(directory, "server.log"), "-w", "-o",
        $"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c max_connections=300" + (citus ? " -c shared_preload_libraries=citus -c max_worker_processes=64 -c citus.shard_count=4 -c fsync=off" : ""), "start"];

    private string? _bin;
    private string? _data;
    private bool _citus;

    private static Task<PostgresServer> StartAsync() => StartAsync(pgBouncer: true);

    /// <summary>A server with the Citus extension preloaded, as one node of a <see cref="CitusCluster"/>.</summary>
    internal static Task<PostgresServer> StartCitusNodeAsync() => StartAsync(pgBouncer: false, citus: true);

    private static async Task<PostgresServer> StartAsync(bool pgBouncer, bool citus = false)
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).Order().LastOrDefault()
            ?? throw new InvalidOperationException("PostgreSQL is not installed (apt-get install postgresql); .ci/run installs it.");
        var directory = Directory.CreateTempSubdirectory("tanager-pg-").FullName;
        var data = Path.Combine(directory, "data");
        await RunAsPostgresAsync("chown", ["postgres:postgres", directory], asRoot: true);
        await RunAsPostgresAsync(Path.Combine(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth-local=trust", "--auth-host=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]);
        var port = Ports.Free();
        await RunAsPostgresAsync(Path.Combine(bin, "pg_ctl"), StartArguments(data, directory, port, citus));
        var server = new PostgresServer(directory, port) { _bin = bin, _data = data, _citus = citus };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop(bin, data);
        if (pgBouncer)
        {
            await server.StartPgBouncerAsync();
        }
        server.StartWatchdog(bin, data);
        return server;
    }

    /// <summary>
    /// The test host is often ended without running ProcessExit handlers, and pg_ctl's server is no child of it, so it
    /// would outlive the run. A watchdog in a session of its own (a killed process tree does not take it along) stops
    /// PostgreSQL and PgBouncer and removes the folder within a second of this process going away.
    /// </summary>
    private void StartWatchdog(string bin, string data)
    {
        var asPostgres = Environment.UserName == "root" ? "runuser -u postgres -- " : "";
        var script = $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; "
            + $"{asPostgres}'{bin}/pg_ctl' -D '{data}' -m immediate stop; "
            // "[p]gbouncer" matches PgBouncer's command line but not this script's own, which pkill -f would kill too;
            // SIGKILL, as Stop's Kill sends, because PgBouncer takes SIGTERM as a shutdown that waits for its clients.
            + $"pkill -9 -f '[p]gbouncer {_directory}/pgbouncer.ini'; sleep 1; rm -rf '{_directory}'";
        // Its output goes to pipes of its own, never the test host's: dotnet test waits for those to close.
        var watchdog = Process.Start(new ProcessStartInfo("setsid", ["--fork", "bash", "-c", script])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        });
        _ = watchdog?.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        _ = watchdog?.StandardError.BaseStream.CopyToAsync(Stream.Null);
    }

    private async Task StartPgBouncerAsync()
    {
        const string binary = "/usr/sbin/pgbouncer";
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException("PgBouncer is not installed (apt-get install pgbouncer); .ci/run installs it.");
        }
        PgBouncerPort = Ports.Free();
        var config = Path.Combine(_directory, "pgbouncer.ini");
        File.WriteAllText(Path.Combine(_directory, "userlist.txt"), "\"postgres\" \"\"\n");
        File.WriteAllText(config, $"""
            [databases]
            * = host=127.0.0.1 port={Port}
            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = {PgBouncerPort}
            unix_socket_dir =
            auth_type = trust
            auth_file = {_directory}/userlist.txt
            pool_mode = transaction
            max_client_conn = 1000
            default_pool_size = 20
            logfile = {_directory}/pgbouncer.log
            """);
        // PgBouncer refuses to run as root.
        var start = Environment.UserName == "root"
            ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", binary, config])
            : new ProcessStartInfo(binary, [config]);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        await RunAsPostgresAsync("chown", ["-R", "postgres:postgres", _directory], asRoot: true);
        _pgbouncer = Process.Start(start)!;
        await Ports.WaitForListenersAsync(_pgbouncer, 20, () => "PgBouncer did not start: " + _pgbouncer.StandardError.ReadToEnd(), PgBouncerPort);
        // PgBouncer also logs every connection to stderr. Left unread, the pipe fills (64 KiB, about 500 connections
        // into a full run), PgBouncer blocks on the write, and its single event loop stops accepting connections.
        _ = _pgbouncer.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        _ = _pgbouncer.StandardError.BaseStream.CopyToAsync(Stream.Null);
    }

    private void Stop(string bin, string data)
    {
        try
        {
            _pgbouncer?.Kill(entireProcessTree: true);
            var stop = Environment.UserName == "root"
                ? Process.Start("runuser", ["-u", "postgres", "--", Path.Combine(bin, "pg_ctl"), "-D", data, "-m", "immediate", "stop"])
                : Process.Start(Path.Combine(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "stop"]);
            stop?.WaitForExit(10_000);
            // The postmaster may still be removing its own files for a moment after pg_ctl returns.
            for (var attempt = 0; attempt < 5 && Directory.Exists(_directory); attempt++)
            {
                try
                {
                    Directory.Delete(_directory, recursive: true);
                }
                catch (IOException)
                {
                    Thread.Sleep(200);
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // Best effort at process exit; a temp folder left behind is harmless.
        }
    }

    private static async Task RunAsPostgresAsync(string program, IEnumerable<string> arguments, bool asRoot = false)
    {
        var root = Environment.UserName == "root";
        if (asRoot && !root)
        {
            return;
        }
        var info = root && !asRoot ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", program, .. arguments]) : new ProcessStartInfo(program, arguments);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} failed ({process.ExitCode}): {await output}\n{await error}");
        }
    }

}
