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

        var storage = new StorageOptions();
        var serve = new Command("serve", "Run the Tanager server (SQLite in --data-dir unless --database-url is given).") { listen };
        storage.AddTo(serve);
        serve.SetAction((parse, cancellationToken) => TanagerServer.RunAsync(storage.Read(parse, ServerSettings.ParseListen(parse.GetValue(listen))!), cancellationToken));

        var migrate = new Command("migrate", "Create or upgrade the database schema, then exit. (serve also does this at start-up.)");
        storage.AddTo(migrate);
        migrate.SetAction((parse, cancellationToken) => TanagerServer.MigrateAsync(storage.Read(parse, new Uri(DefaultListen)), cancellationToken));

        return new RootCommand("Tanager: self-hostable team chat.") { serve, migrate, EventsCommand.Build() };
    }
}
