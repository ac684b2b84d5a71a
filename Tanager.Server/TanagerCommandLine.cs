using System.CommandLine;

namespace Tanager.Server;

/// <summary>The <c>tanager</c> command line.</summary>
internal static class TanagerCommandLine
{
    public const string DefaultListen = "http://127.0.0.1:8080";

    public static RootCommand Build()
    {
        var listen = new Option<string>("--listen")
        {
            Description = "Where to accept HTTP and WebSocket connections, e.g. http://0.0.0.0:8080.",
            DefaultValueFactory = _ => DefaultListen,
        };
        listen.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (ServerSettings.ParseListen(value) is null)
            {
                result.AddError($"--listen must be an http:// URL with a host and an explicit port and no path, such as {DefaultListen}; got '{value}'.");
            }
        });

        var natsUrl = new Option<string?>("--nats-url")
        {
            Description = "A NATS server that carries live events between several tanager nodes, e.g. nats://10.0.0.5:4222. Default: $TANAGER_NATS_URL; without it, events stay in this process.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TANAGER_NATS_URL"),
        };
        natsUrl.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string?>();
            if (!string.IsNullOrWhiteSpace(value) && ServerSettings.NatsUrlError(value) is { } error)
            {
                result.AddError(error);
            }
        });

        var storage = new StorageOptions();
        var fileStore = new FileStoreOptions();
        var serve = new Command("serve", "Run the Tanager server (SQLite in --data-dir unless --database-url is given; files in --data-dir unless --s3-bucket is given).") { listen, natsUrl };
        storage.AddTo(serve);
        fileStore.AddTo(serve);
        serve.SetAction(async (parse, cancellationToken) =>
        {
            var settings = storage.Read(parse, ServerSettings.ParseListen(parse.GetValue(listen))!);
            var nats = parse.GetValue(natsUrl);
            var (s3, error) = fileStore.Read(parse);
            if (error is not null)
            {
                await Console.Error.WriteLineAsync(error);
                return 1;
            }
            settings = settings with { S3 = s3 };
            return await TanagerServer.RunAsync(string.IsNullOrWhiteSpace(nats) ? settings : settings with { NatsUrl = nats.Trim() }, cancellationToken);
        });

        var migrate = new Command("migrate", "Create or upgrade the database schema, then exit. (serve also does this at start-up.)");
        storage.AddTo(migrate);
        migrate.SetAction((parse, cancellationToken) => TanagerServer.MigrateAsync(storage.Read(parse, new Uri(DefaultListen)), cancellationToken));

        var root = new RootCommand("Tanager: self-hostable team chat.") { serve, migrate, MigrateDataCommand.Build(), EventsCommand.Build(), HealthCommand.Build() };
        foreach (var command in AdminCommand.Build())
        {
            root.Subcommands.Add(command);
        }
        return root;
    }
}
