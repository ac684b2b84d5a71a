using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Server;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>
/// <c>tanager admin export</c> and <c>import</c> (issue 16, done-when 4) and <c>backup</c>, run as an operator runs
/// them: the built executable against the store of a server that is running.
/// </summary>
public sealed partial class WorkspaceArchiveTests
{
    private const string Password = "correct horse battery";

    private static readonly string[] AllTypes =
        ["user", "workspace", "workspace_member", "channel", "channel_member", "message", "reaction", "thread_follow", "read_state", "attachment", "webhook", "slash_command"];

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task A_workspace_exported_from_a_running_server_imports_into_a_fresh_one_row_for_row(TestStorage target)
    {
        var sourceSettings = await TestServer.SettingsForAsync(TestStorage.Sqlite);
        await using var source = await TestServer.StartAsync(sourceSettings);
        var room = await BuildRichWorkspaceAsync(source);
        var folder = Directory.CreateTempSubdirectory("tanager-export-").FullName;
        var exported = Path.Combine(folder, "acme.jsonl");

        await CommandLine.RunAsync(["admin", "export", .. StoreArguments(sourceSettings), "--workspace", room.Workspace.Id, "--out", exported]);
        var targetSettings = await TestServer.SettingsForAsync(target);
        var imported = await CommandLine.RunAsync(["admin", "import", .. StoreArguments(targetSettings), "--in", exported]);
        var again = Path.Combine(folder, "again.jsonl");
        await CommandLine.RunAsync(["admin", "export", .. StoreArguments(targetSettings), "--workspace", room.Workspace.Id, "--out", again]);

        Assert.Equal(room.Workspace.Id, imported.Trim());
        var lines = await File.ReadAllLinesAsync(exported);
        Assert.Equal(AllTypes.Order(), lines.Skip(1).Select(l => JsonNode.Parse(l)!["type"]!.GetValue<string>()).Distinct().Order());
        Assert.DoesNotContain("password", string.Join('\n', lines), StringComparison.OrdinalIgnoreCase);
        var copied = await File.ReadAllLinesAsync(again);
        if (target == TestStorage.Sqlite)
        {
            // The same store kind keeps every byte: ids, ticks, sequence numbers, JSON text.
            Assert.Equal(lines.Order(StringComparer.Ordinal), copied.Order(StringComparer.Ordinal));
        }
        else
        {
            // PostgreSQL keeps times to the microsecond and rewrites jsonb: equal once times are cut to microseconds and JSON is compared as JSON.
            var expected = lines.Select(Microseconds).Order(StringComparer.Ordinal).ToList();
            var actual = copied.Select(Microseconds).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(expected.Count, actual.Count);
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected[i]), JsonNode.Parse(actual[i])), $"{expected[i]}\n{actual[i]}");
            }
        }

        await using var copy = await TestServer.StartAsync(targetSettings);
        await AssertReadsTheSameAsync(room, source, copy, targetSettings, target == TestStorage.Postgres);
    }

    [Fact]
    public async Task Import_refuses_a_malformed_line_by_number_and_a_workspace_it_has_and_imports_nothing_then()
    {
        var sourceSettings = await TestServer.SettingsForAsync(TestStorage.Sqlite);
        string exported;
        string workspaceId;
        await using (var source = await TestServer.StartAsync(sourceSettings))
        {
            var room = await ChatRoom.CreateAsync(source, members: 1);
            await room.PostAsync("one");
            await room.Members[0].PostMessageAsync(room.Workspace.Id, room.Channel.Id, "two");
            workspaceId = room.Workspace.Id;
            exported = Path.Combine(Directory.CreateTempSubdirectory("tanager-export-").FullName, "acme.jsonl");
            await CommandLine.RunAsync(["admin", "export", .. StoreArguments(sourceSettings), "--workspace", workspaceId, "--out", exported]);
        }
        var lines = await File.ReadAllLinesAsync(exported);
        var last = lines.Length;
        var broken = Path.ChangeExtension(exported, ".broken.jsonl");
        // The last line (a channel's last message or a later table's row) loses its closing brace: everything before it is valid and must not be written.
        await File.WriteAllLinesAsync(broken, [.. lines[..^1], lines[^1][..^1]]);
        var mistyped = Path.ChangeExtension(exported, ".mistyped.jsonl");
        var messageLine = Array.FindIndex(lines, l => l.StartsWith("{\"type\":\"message\"", StringComparison.Ordinal));
        await File.WriteAllLinesAsync(mistyped, lines.Select((l, i) => i == messageLine ? Regex.Replace(l, "\"sequence\":\\d+", "\"sequence\":\"1\"") : l));
        var targetSettings = await TestServer.SettingsForAsync(TestStorage.Sqlite);

        var (code, errors) = await RunFailingAsync(["admin", "import", .. StoreArguments(targetSettings), "--in", broken]);
        Assert.Equal(1, code);
        Assert.Contains($"line {last}: not JSON", errors, StringComparison.Ordinal);
        (code, errors) = await RunFailingAsync(["admin", "import", .. StoreArguments(targetSettings), "--in", mistyped]);
        Assert.Equal(1, code);
        Assert.Contains($"line {messageLine + 1}: the message's \"sequence\" is not a whole number", errors, StringComparison.Ordinal);

        // Nothing of the refused files was written: the good file imports whole, once.
        Assert.Equal(workspaceId, (await CommandLine.RunAsync(["admin", "import", .. StoreArguments(targetSettings), "--in", exported])).Trim());
        (code, errors) = await RunFailingAsync(["admin", "import", .. StoreArguments(targetSettings), "--in", exported]);
        Assert.Equal(1, code);
        Assert.Contains($"Workspace {workspaceId} exists on this server already", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_backup_of_a_running_servers_database_starts_a_server_with_the_same_history()
    {
        var settings = await TestServer.SettingsForAsync(TestStorage.Sqlite);
        await using var server = await TestServer.StartAsync(settings);
        var room = await ChatRoom.CreateAsync(server, members: 1);
        for (var i = 0; i < 20; i++)
        {
            await room.PostAsync($"message {i}");
        }
        var backupFolder = Directory.CreateTempSubdirectory("tanager-backup-").FullName;

        // The server keeps writing while the copy is taken.
        var writing = Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                await room.Members[0].PostMessageAsync(room.Workspace.Id, room.Channel.Id, $"during {i}");
            }
        });
        await CommandLine.RunAsync("admin", "backup", "--data-dir", settings.DataDirectory, "--out", Path.Combine(backupFolder, "tanager.db"));
        await writing;
        var (code, errors) = await RunFailingAsync(["admin", "backup", "--data-dir", settings.DataDirectory, "--out", Path.Combine(backupFolder, "tanager.db")]);
        Assert.Equal(1, code);
        Assert.Contains("never overwrites", errors, StringComparison.Ordinal);

        await using var restored = await TestServer.StartAsync(settings with { DataDirectory = backupFolder });
        await using var owner = await TanagerClient.LoginAsync(restored.Url, room.Owner.User!.Email!, Password);
        var history = await owner.GetMessagesAsync(room.Workspace.Id, room.Channel.Id, limit: 100);
        var contents = history.Messages.Select(m => m.Content).ToList();
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"message {i}"), contents.Take(20));
        // The copy is one moment's database: the messages posted during it are a gapless prefix of those 20.
        Assert.Equal(Enumerable.Range(0, contents.Count - 20).Select(i => $"during {i}"), contents.Skip(20));
        Assert.Equal(history.Messages.Select(m => m.Sequence), Enumerable.Range(1, contents.Count).Select(i => (long)i));
    }

    [Fact]
    public async Task Backup_of_a_postgresql_store_points_to_pg_dump()
    {
        var postgres = await PostgresServer.GetAsync();
        var url = postgres.Url(await postgres.CreateDatabaseAsync());

        var (code, errors) = await RunFailingAsync(["admin", "backup", "--database-url", url, "--out", Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.db")]);

        Assert.Equal(1, code);
        Assert.Contains("pg_dump", errors, StringComparison.Ordinal);
        Assert.Contains("docs/deployment.md", errors, StringComparison.Ordinal);
    }

    private static string[] StoreArguments(ServerSettings settings) =>
        settings.DatabaseUrl is { } url ? ["--database-url", url] : ["--data-dir", settings.DataDirectory];

    /// <summary>Every time in the line cut to microseconds (what PostgreSQL's timestamptz keeps).</summary>
    private static string Microseconds(string json) =>
        TimeFraction().Replace(json, m => m.Groups[1].Value + m.Groups[2].Value.PadRight(7, '0')[..6] + m.Groups[3].Value);

    [GeneratedRegex(@"(\d{2}:\d{2}:\d{2}\.)(\d{1,7})(Z|[+-]\d{2}:\d{2})")]
    private static partial Regex TimeFraction();

    private static async Task<(int ExitCode, string Errors)> RunFailingAsync(string[] arguments)
    {
        var dll = Path.Combine(Repository.Root, "Tanager.Server", "bin", Repository.Configuration, "net10.0", "tanager.dll");
        await using var process = ChildProcess.Start("dotnet", [dll, .. arguments]);
        await process.WaitForExitAsync(60);
        return (process.ExitCode, process.Errors);
    }
}
