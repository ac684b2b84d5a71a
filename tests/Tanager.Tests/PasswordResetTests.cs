using Tanager.Client;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary><c>tanager admin reset-password</c>: for a forgotten password, and for accounts imported without one.</summary>
public sealed class PasswordResetTests
{
    [Fact]
    public async Task Reset_password_prints_a_new_password_once_and_ends_every_session_of_the_account()
    {
        var settings = await TestServer.SettingsForAsync(TestStorage.Sqlite);
        await using var server = await TestServer.StartAsync(settings);
        var room = await ChatRoom.CreateAsync(server, members: 1);
        var member = room.Members[0];

        // The password is the last line on standard output (the audit log's JSON lines come before it).
        var printed = (await CommandLine.RunAsync("admin", "reset-password", "--data-dir", settings.DataDirectory, member.User!.Email!)).Split('\n')[^1].Trim();

        Assert.True(printed.Length >= 24, printed);
        Assert.Equal(401, (await Assert.ThrowsAsync<TanagerApiException>(() => member.GetMeAsync())).Status);
        await Assert.ThrowsAsync<TanagerApiException>(() => TanagerClient.LoginAsync(server.Url, member.User.Email!, "correct horse battery"));
        await using var again = await TanagerClient.LoginAsync(server.Url, member.User.Email!, printed);
        Assert.Equal(member.User.Id, (await again.GetMeAsync()).Id);
        // Someone else's sessions live on.
        Assert.Equal(room.Owner.User!.Id, (await room.Owner.GetMeAsync()).Id);
    }
}
