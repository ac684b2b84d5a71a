using System.CommandLine;
using System.Globalization;

namespace Tanager.Server;

/// <summary><c>tanager admin users</c> and <c>tanager admin workspaces</c>: every account and workspace, a page at a time.</summary>
internal static partial class AdminCommand
{
    private static Command ListUsers() => ListCommand("users", "List every account, people and bots, oldest first: id, email, name, and flags (admin, bot, deactivated).",
        async (administration, after, limit, ct) => (await administration.ListUsersAsync(Caller.CommandLine, after, limit, ct))
            .Select(u => (u.Id.ToString(), $"{u.Id}\t{u.Email}\t{u.DisplayName}\t{Flags(u)}")).ToList());

    private static Command ListWorkspaces() => ListCommand("workspaces", "List every workspace, oldest first: id, name, owner id, created.",
        async (administration, after, limit, ct) => (await administration.ListWorkspacesAsync(Caller.CommandLine, after, limit, ct))
            .Select(w => (w.Id.ToString(), $"{w.Id}\t{w.Name}\t{w.OwnerId}\t{w.CreatedAt.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)}")).ToList());

    private static string Flags(User user) => string.Join(',', new[]
    {
        user.IsServerAdmin ? "admin" : null,
        user.IsBot ? "bot" : null,
        user.DeactivatedAt is null ? null : "deactivated",
    }.OfType<string>()) is { Length: > 0 } flags ? flags : "-";

    /// <summary>
    /// A list command: one tab-separated line per row on standard output; when the page is full, how to ask for the
    /// next one on standard error.
    /// </summary>
    private static Command ListCommand(string name, string description, Func<AdministrationService, string?, int?, CancellationToken, Task<List<(string Id, string Line)>>> page)
    {
        var after = new Option<string?>("--after") { Description = "Start after this id (the last one of the previous page)." };
        var limit = new Option<int>("--limit") { Description = "At most this many (1 to 1000).", DefaultValueFactory = _ => 100 };
        var command = new Command(name, description) { after, limit };
        var context = new Context(command);
        command.SetAction((parse, cancellationToken) => context.RunAsync(parse, async (services, ct) =>
        {
            var rows = await page(services.GetRequiredService<AdministrationService>(), parse.GetValue(after), parse.GetValue(limit), ct);
            foreach (var (_, line) in rows)
            {
                await Console.Out.WriteLineAsync(line);
            }
            if (rows.Count == parse.GetValue(limit))
            {
                await Console.Error.WriteLineAsync($"More may follow: --after {rows[^1].Id}");
            }
        }, cancellationToken));
        return command;
    }
}
