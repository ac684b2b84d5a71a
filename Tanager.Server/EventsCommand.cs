using System.CommandLine;
using System.Text.Json;
using Tanager.Client;

namespace Tanager.Server;

/// <summary><c>tanager events</c>: connects to a server's gateway as a user and prints every event as one JSON line.</summary>
internal static class EventsCommand
{
    public static Command Build()
    {
        var server = ServerUrlOption.Create();
        var token = new Option<string>("--token")
        {
            Description = "A session token (from register or login). Defaults to $TANAGER_TOKEN.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TANAGER_TOKEN") ?? "",
        };
        var command = new Command("events", "Print a user's live gateway events as JSON lines (a debugging aid).") { server, token };
        command.SetAction((parse, cancellationToken) => RunAsync(ServerUrlOption.BaseAddress(parse.GetValue(server)!), parse.GetValue(token)!, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(Uri server, string token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            await Console.Error.WriteLineAsync("Give --token or set TANAGER_TOKEN.");
            return 2;
        }
        await using var client = new TanagerClient(server, token);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        client.Gateway.Dispatched += async dispatch =>
        {
            await Console.Out.WriteLineAsync($"{{\"t\":{JsonSerializer.Serialize(dispatch.Type, ServerJsonContext.Default.String)},\"d\":{dispatch.Data.GetRawText()}}}");
            await Console.Out.FlushAsync(CancellationToken.None);
        };
        try
        {
            // RunAsync keeps reconnecting and ends only when stopped, or with an exception once the server refuses the
            // token for good (a revoked or expired session), so a refused reconnect exits 1 at once instead of waiting.
            await client.Gateway.RunAsync(stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
        catch (TanagerApiException exception)
        {
            await Console.Error.WriteLineAsync(exception.Message);
            return 1;
        }
        return 0;
    }
}
