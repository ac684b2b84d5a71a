using NUlid;

namespace Tanager.Tests.Storage;

public abstract partial class StorageSpecification
{
    [Fact]
    public async Task A_slash_command_name_is_unique_per_workspace_and_reads_back_updated_until_deleted()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var (elsewhere, _) = await NewWorkspaceAsync();
        var bot = await NewUserAsync();
        byte[] secret = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
        var deploy = new SlashCommand(Ulid.NewUlid(At(5)), workspace.Id, "deploy", bot.Id, "Deploy a branch", "[branch]", secret, owner.Id, At(5), At(5));
        var status = deploy with { Id = Ulid.NewUlid(At(6)), Name = "status", UsageHint = null, Secret = [.. secret.Reverse()], CreatedAt = At(6), UpdatedAt = At(6) };
        Assert.True(await _store.SlashCommands.TryCreateSlashCommandAsync(status));
        Assert.True(await _store.SlashCommands.TryCreateSlashCommandAsync(deploy));
        // The same name in the same workspace is refused, in another workspace it is another command.
        Assert.False(await _store.SlashCommands.TryCreateSlashCommandAsync(deploy with { Id = Ulid.NewUlid(At(7)), Description = "A second deploy" }));
        var other = deploy with { Id = Ulid.NewUlid(At(8)), WorkspaceId = elsewhere.Id };
        Assert.True(await _store.SlashCommands.TryCreateSlashCommandAsync(other));

        AssertSameCommand(deploy, await _store.SlashCommands.GetSlashCommandAsync(workspace.Id, "deploy"));
        AssertSameCommand(status, await _store.SlashCommands.GetSlashCommandAsync(workspace.Id, "status"));
        Assert.Null(await _store.SlashCommands.GetSlashCommandAsync(workspace.Id, "rollback"));
        Assert.Equal(["deploy", "status"], (await _store.SlashCommands.ListSlashCommandsAsync(workspace.Id)).Select(c => c.Name));

        // An update changes the description, usage hint and time, nothing else (not the name, bot or secret).
        var updated = deploy with { Description = "Deploy anything", UsageHint = null, UpdatedAt = At(9), Name = "ignored", BotUserId = owner.Id, Secret = [9] };
        Assert.True(await _store.SlashCommands.UpdateSlashCommandAsync(updated));
        AssertSameCommand(deploy with { Description = "Deploy anything", UsageHint = null, UpdatedAt = At(9) }, await _store.SlashCommands.GetSlashCommandAsync(workspace.Id, "deploy"));
        Assert.False(await _store.SlashCommands.UpdateSlashCommandAsync(deploy with { Id = Ulid.NewUlid() }));

        Assert.True(await _store.SlashCommands.DeleteSlashCommandAsync(workspace.Id, "deploy"));
        Assert.False(await _store.SlashCommands.DeleteSlashCommandAsync(workspace.Id, "deploy"));
        Assert.Null(await _store.SlashCommands.GetSlashCommandAsync(workspace.Id, "deploy"));
        Assert.Equal(["status"], (await _store.SlashCommands.ListSlashCommandsAsync(workspace.Id)).Select(c => c.Name));
        AssertSameCommand(other, await _store.SlashCommands.GetSlashCommandAsync(elsewhere.Id, "deploy"));
        // The name is free again.
        Assert.True(await _store.SlashCommands.TryCreateSlashCommandAsync(deploy with { Id = Ulid.NewUlid(At(10)) }));
    }

    [Fact]
    public async Task A_slash_command_routed_to_a_URL_reads_back_with_its_URL_and_stays_a_URL_command()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var bot = await NewUserAsync();
        var secret = "tgh_0123456789abcdef"u8.ToArray();
        var weather = new SlashCommand(Ulid.NewUlid(At(5)), workspace.Id, "weather", null, "The weather", null, secret, owner.Id, At(5), At(5))
        {
            Url = "https://hooks.example.com/weather?city=paris",
        };
        var deploy = new SlashCommand(Ulid.NewUlid(At(6)), workspace.Id, "deploy", bot.Id, "Deploy a branch", null, [1, 2, 3], owner.Id, At(6), At(6));
        Assert.True(await _store.SlashCommands.TryCreateSlashCommandAsync(weather));
        Assert.True(await _store.SlashCommands.TryCreateSlashCommandAsync(deploy));
        // A URL's command and a bot's share the names of the workspace.
        Assert.False(await _store.SlashCommands.TryCreateSlashCommandAsync(deploy with { Id = Ulid.NewUlid(At(7)), Name = "weather" }));

        AssertSameCommand(weather, await _store.SlashCommands.GetSlashCommandAsync(workspace.Id, "weather"));
        var listed = await _store.SlashCommands.ListSlashCommandsAsync(workspace.Id);
        Assert.Equal([(null, bot.Id), ("https://hooks.example.com/weather?city=paris", (Ulid?)null)], listed.Select(c => (c.Url, c.BotUserId)));

        // An update replaces the URL with the description; it never turns a URL's command into a bot's or back.
        var moved = weather with { Url = "https://hooks.example.com/v2/weather", Description = "Weather, v2", UpdatedAt = At(8) };
        Assert.True(await _store.SlashCommands.UpdateSlashCommandAsync(moved));
        AssertSameCommand(moved, await _store.SlashCommands.GetSlashCommandAsync(workspace.Id, "weather"));
        Assert.False(await _store.SlashCommands.UpdateSlashCommandAsync(moved with { Url = null, UpdatedAt = At(9) }));
        Assert.False(await _store.SlashCommands.UpdateSlashCommandAsync(deploy with { Url = "https://hooks.example.com/deploy", UpdatedAt = At(9) }));
        AssertSameCommand(moved, await _store.SlashCommands.GetSlashCommandAsync(workspace.Id, "weather"));
        AssertSameCommand(deploy, await _store.SlashCommands.GetSlashCommandAsync(workspace.Id, "deploy"));

        Assert.True(await _store.SlashCommands.DeleteSlashCommandAsync(workspace.Id, "weather"));
        Assert.Null(await _store.SlashCommands.GetSlashCommandAsync(workspace.Id, "weather"));
    }

    private static void AssertSameCommand(SlashCommand expected, SlashCommand? actual)
    {
        Assert.NotNull(actual);
        // A record compares its byte array by reference: the secret is compared by content, the rest as the record.
        Assert.Equal(expected.Secret, actual.Secret);
        Assert.Equal(expected, actual with { Secret = expected.Secret });
    }
}
