using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Tanager.FileStore.S3;

namespace Tanager.Tests.Infrastructure;

/// <summary>
/// A real S3-compatible server for the test run: npm's s3rver (tests/interop, installed by .ci/run), on a private
/// loopback port with its own data folder. One is shared by the whole run; each test makes its own bucket. It does not
/// check signatures, so tests of refused signatures use the local-disk store, which does.
/// </summary>
public sealed class S3Server
{
    /// <summary>s3rver's fixed credentials.</summary>
    public const string Key = "S3RVER";
    private static readonly Lazy<Task<S3Server>> Shared = new(StartAsync);
    private static readonly ConcurrentQueue<string> Output = new();
    private static Process? s_process;

    static S3Server()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                s_process?.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        };
    }

    private S3Server(int port)
    {
        Endpoint = new Uri($"http://127.0.0.1:{port}");
    }

    public Uri Endpoint { get; }

    public static Task<S3Server> GetSharedAsync() => Shared.Value;

    /// <summary>A new empty bucket, and the options that reach it.</summary>
    public async Task<S3FileStoreOptions> CreateBucketAsync()
    {
        var bucket = "t" + Guid.NewGuid().ToString("N")[..20];
        using var client = new AmazonS3Client(new BasicAWSCredentials(Key, Key), new AmazonS3Config
        {
            ServiceURL = Endpoint.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
        });
        await client.PutBucketAsync(bucket);
        return new S3FileStoreOptions { Endpoint = Endpoint, Bucket = bucket, AccessKey = Key, SecretKey = Key };
    }

    private static async Task<S3Server> StartAsync()
    {
        var script = Path.Combine(Repository.Root, "tests", "interop", "node_modules", "s3rver", "bin", "s3rver.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"s3rver is not installed ({script}): run 'npm ci' in tests/interop (.ci/run does).");
        }
        var port = Ports.Free();
        var data = Directory.CreateTempSubdirectory("tanager-s3-").FullName;
        // Like NatsServer's: a watchdog ends the server within a second of the test host going away without ProcessExit.
        var watchdog = "\"$0\" \"$@\" & server=$!; "
            + $"while kill -0 {Environment.ProcessId} 2>/dev/null && kill -0 $server 2>/dev/null; do sleep 1; done; "
            + "kill $server 2>/dev/null; wait $server";
        var info = new ProcessStartInfo("/bin/bash", ["-c", watchdog, "node", script, "-d", data, "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--no-vhost-buckets", "--silent"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        s_process = process;
        await Ports.WaitForListenersAsync(process, 30, () => $"s3rver did not start on port {port}:\n{string.Join('\n', Output)}", port);
        return new S3Server(port);
    }

    private static void Remember(string? line)
    {
        if (line is not null && Output.Count < 200)
        {
            Output.Enqueue(line);
        }
    }
}
