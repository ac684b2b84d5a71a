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

    private static void AssertSameCommand(SlashCommand expected, SlashCommand? actual)
    {
        Assert.NotNull(actual);
        // A record compares its byte array by reference: the secret is compared by content, the rest as the record.
        Assert.Equal(expected.Secret, actual.Secret);
        Assert.Equal(expected, actual with { Secret = expected.Secret });
    }
}
