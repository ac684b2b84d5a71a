using Tanager.Client;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>The tanager executable as a self-hoster runs it.</summary>
public sealed class CommandLineTests
{
    private static string TanagerDll => Path.Combine(Repository.Root, "Tanager.Server", "bin", Repository.Configuration, "net10.0", "tanager.dll");

    [Fact]
    public async Task Migrate_creates_the_sqlite_database_in_the_data_folder_and_is_repeatable()
    {
        var data = Directory.CreateTempSubdirectory("tanager-cli-").FullName;
        for (var run = 0; run < 2; run++)
        {
            await using var migrate = ChildProcess.Start("dotnet", [TanagerDll, "migrate", "--data-dir", data]);
            await migrate.WaitForExitAsync(60);
            Assert.True(migrate.ExitCode == 0, migrate.Errors);
            Assert.Contains(migrate.Lines, l => l.StartsWith("sqlite: schema is up to date", StringComparison.Ordinal));
        }
        Assert.True(File.Exists(Path.Combine(data, "tanager.db")));
        Directory.Delete(data, recursive: true);
    }

    [Theory]
    [InlineData("serve", "--listen", "127.0.0.1:8080")]
    [InlineData("serve", "--listen", "http://127.0.0.1")]
    [InlineData("serve", "--listen", "https://127.0.0.1:8443")]
    [InlineData("serve", "--listen", "http://127.0.0.1:8080/chat")]
    [InlineData("serve", "--database-url", "mysql://localhost/x")]
    [InlineData("health", "--server", "localhost:8080")]
    [InlineData("health", "--path", "health")]
    [InlineData("health", "--path", "/health?x=1")]
    [InlineData("health", "--timeout", "0")]
    public async Task Commands_refuse_bad_options_with_a_message_and_a_non_zero_exit(string command, string option, string value)
    {
        await using var process = ChildProcess.Start("dotnet", [TanagerDll, command, option, value]);
        await process.WaitForExitAsync(60);
        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains(option, process.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_prints_ready_and_exits_1_with_the_reason_when_its_session_ends_and_the_reconnect_is_refused()
    {
        await using var server = await TestServer.StartAsync();
        await using var ann = await server.NewUserAsync("Ann");
        // A second session of Ann's for the command, so that ending it leaves the test's own session working.
        await using var second = await TanagerClient.LoginAsync(server.Url, ann.User!.Email!, "correct horse battery");
        await using var events = ChildProcess.Start("dotnet", [TanagerDll, "events", "--server", server.Url.ToString(), "--token", second.Token!]);
        Assert.True(await Eventually.Until(() => events.Lines.Any(l => l.StartsWith("{\"t\":\"READY\"", StringComparison.Ordinal)), 60),
            $"no READY line: {string.Join('\n', events.Lines)} {events.Errors}");

        await second.LogoutAsync();

        await events.WaitForExitAsync(30);
        Assert.Equal(1, events.ExitCode);
        Assert.False(string.IsNullOrWhiteSpace(events.Errors));
    }
}
