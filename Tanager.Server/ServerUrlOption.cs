using System.CommandLine;

namespace Tanager.Server;

/// <summary><c>--server</c>: the base URL of a running server, for the commands that talk to one over HTTP.</summary>
internal static class ServerUrlOption
{
    public static Option<string> Create()
    {
        var server = new Option<string>("--server")
        {
            Description = "The server's base URL.",
            DefaultValueFactory = _ => TanagerCommandLine.DefaultListen,
        };
        server.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                result.AddError($"--server must be an http:// or https:// URL; got '{value}'.");
            }
        });
        return server;
    }

    /// <summary>The parsed value as a base address that relative paths resolve under.</summary>
    public static Uri BaseAddress(string value) => new(value.TrimEnd('/') + "/");
}
