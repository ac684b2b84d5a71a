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
                result.AddError($"--listen must be an absolute http:// URL with a host and port, such as {DefaultListen}; got '{value}'.");
            }
        });

        var serve = new Command("serve", "Run the Tanager server.") { listen };
        serve.SetAction((parse, cancellationToken) =>
            TanagerServer.RunAsync(new ServerSettings(ServerSettings.ParseListen(parse.GetValue(listen))!), cancellationToken));

        return new RootCommand("Tanager: self-hostable team chat.") { serve, EventsCommand.Build() };
    }
}
