using NUlid;
using Tanager.Storage.Postgres;
using Tanager.Storage.Sqlite;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests.Storage;

/// <summary>
/// What every store behind <see cref="IWorkspaceArchiveStore"/> must do: a workspace read from one store writes into
/// another (a fresh one of the same kind) and reads back row for row. The in-memory store has no such seam: it keeps
/// nothing beyond its process, so nothing to move.
/// </summary>
public abstract class ArchiveSpecification : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 5, 0, 0, TimeSpan.Zero);
    private StoreUnderTest _source = null!;
    private StoreUnderTest _target = null!;

    protected abstract Task<StoreUnderTest> CreateStoreAsync();

    public async Task InitializeAsync()
    {
        _source = await CreateStoreAsync();
        _target = await CreateStoreAsync();
        await _source.MigrateAsync();
        await _target.MigrateAsync();
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    // A sub-millisecond part (123 µs) that must survive; PostgreSQL keeps microseconds.
    private static DateTimeOffset At(int seconds) => T0.AddSeconds(seconds).AddTicks(1230);

    private static IWorkspaceArchiveStore Archive(StoreUnderTest store) => (IWorkspaceArchiveStore)store.Users;

    private static async Task<List<ArchiveRecord>> ReadAsync(StoreUnderTest store, Ulid workspaceId)
    {
        var records = new List<ArchiveRecord>();
        await foreach (var record in Archive(store).ReadArchiveAsync(workspaceId))
        {
            records.Add(record);
        }
        return records;
    }

    private async Task<(Workspace Workspace, User Owner, User Member, User BotOwner)> BuildAsync()
    {
        var owner = new User(Ulid.NewUlid(), $"{Guid.NewGuid():N}@example.test", "Owner", "$argon2id$secret", At(0), At(0)) { StatusText = "here" };
        var member = new User(Ulid.NewUlid(), $"{Guid.NewGuid():N}@example.test", "Member", "$argon2id$secret", At(0), At(1)) { IsServerAdmin = true };
        // The bot's owner belongs to no workspace row: the archive carries them because the bot refers to them.
        var botOwner = new User(Ulid.NewUlid(), $"{Guid.NewGuid():N}@example.test", "Elsewhere", "x", At(0), At(0));
        var bot = new User(Ulid.NewUlid(), $"{Guid.NewGuid():N}@bots.example.test", "Bot", "", At(1), At(1)) { Kind = UserKind.Bot, OwnerId = botOwner.Id };
        foreach (var user in new[] { owner, member, botOwner, bot })
        {
            Assert.True(await _source.Users.TryCreateAsync(user));
        }
        var workspace = new Workspace(Ulid.NewUlid(), "Acme", owner.Id, At(1), At(1));
        await _source.Workspaces.CreateAsync(workspace, new WorkspaceMember(workspace.Id, owner.Id, WorkspaceRole.Owner, At(1)));
        Assert.True(await _source.Workspaces.TryAddMemberAsync(new WorkspaceMember(workspace.Id, member.Id, WorkspaceRole.Admin, At(2))));
        Assert.True(await _source.Workspaces.TryAddMemberAsync(new WorkspaceMember(workspace.Id, bot.Id, WorkspaceRole.Member, At(2))));
        var channel = new Channel(workspace.Id, Ulid.NewUlid(), "general", ChannelKind.Private, "a topic", 0, At(2), At(2));
        Assert.True(await _source.Channels.TryCreateAsync(channel, new ChannelMember(workspace.Id, channel.Id, owner.Id, At(2))));
        var posted = await _source.Messages.AppendAsync([
            new NewMessage(workspace.Id, channel.Id, Ulid.NewUlid(), owner.Id, "first", null, At(3), "nonce-1"),
            new NewMessage(workspace.Id, channel.Id, Ulid.NewUlid(), bot.Id, "second", null, At(4)),
        ]);
        await _source.Messages.AppendAsync([new NewMessage(workspace.Id, channel.Id, Ulid.NewUlid(), member.Id, "a reply", posted[0].Id, At(5))]);
        await _source.Messages.EditAsync(workspace.Id, posted[0].Id, "first, edited", At(6));
        await _source.Messages.DeleteAsync(workspace.Id, posted[1].Id, At(7));
        await _source.Messages.AddReactionAsync(workspace.Id, posted[0].Id, member.Id, "👍", At(8));
        await _source.Messages.SetPinAsync(workspace.Id, posted[0].Id, owner.Id, At(9));
        await _source.ReadStates.SetLastReadAsync(workspace.Id, channel.Id, member.Id, 2, At(10));
        return (workspace, owner, member, botOwner);
    }

    [Fact]
    public async Task A_workspace_read_from_one_store_writes_into_another_and_reads_back_row_for_row()
    {
        var (workspace, owner, member, botOwner) = await BuildAsync();
        var elsewhere = new Workspace(Ulid.NewUlid(), "Other", botOwner.Id, At(1), At(1));
        await _source.Workspaces.CreateAsync(elsewhere, new WorkspaceMember(elsewhere.Id, botOwner.Id, WorkspaceRole.Owner, At(1)));

        var read = await ReadAsync(_source, workspace.Id);
        Assert.Equal(ArchiveWriteResult.Written, await Archive(_target).WriteArchiveAsync(workspace.Id, read));
        var again = await ReadAsync(_target, workspace.Id);

        Assert.Equal(read.Select(r => (r.Table.Type, string.Join('|', r.Values))), again.Select(r => (r.Table.Type, string.Join('|', r.Values))));
        Assert.Equal(read.Select(r => r.Values), again.Select(r => r.Values));
        Assert.Equal(4, read.Count(r => r.Table == WorkspaceArchive.Users));
        Assert.DoesNotContain(read, r => r.Table == WorkspaceArchive.Workspaces && (Ulid)r.Values[0]! == elsewhere.Id);
        Assert.Empty(await ReadAsync(_source, Ulid.NewUlid()));
        // Secrets and the server role stay behind; everything else reads back through the ordinary seams.
        var copied = await _target.Users.GetAsync(member.Id);
        Assert.Equal((await _source.Users.GetAsync(member.Id))! with { PasswordHash = "", IsServerAdmin = false }, copied);
        Assert.Equal(await _source.Workspaces.ListMembersAsync(workspace.Id), await _target.Workspaces.ListMembersAsync(workspace.Id));
        Assert.Equal(await _source.Users.GetAsync(owner.Id) is { } o ? o with { PasswordHash = "" } : null, await _target.Users.GetAsync(owner.Id));
    }

    [Fact]
    public async Task Writing_refuses_a_workspace_the_store_has_and_an_email_of_another_account_and_writes_nothing_then()
    {
        var (workspace, owner, member, _) = await BuildAsync();
        var read = await ReadAsync(_source, workspace.Id);
        var impostor = new User(Ulid.NewUlid(), owner.Email.ToUpperInvariant(), "Same email", "x", At(0), At(0));
        Assert.True(await _target.Users.TryCreateAsync(impostor));

        Assert.Equal(ArchiveWriteResult.EmailTaken, await Archive(_target).WriteArchiveAsync(workspace.Id, read));
        Assert.Null(await _target.Workspaces.GetAsync(workspace.Id));
        Assert.Null(await _target.Users.GetAsync(member.Id));

        Assert.Equal(ArchiveWriteResult.WorkspaceExists, await Archive(_source).WriteArchiveAsync(workspace.Id, read));
        Assert.Equal(read.Select(r => r.Values), (await ReadAsync(_source, workspace.Id)).Select(r => r.Values));
    }
}

public sealed class SqliteArchiveTests : ArchiveSpecification
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tanager-sqlite-").FullName;

    protected override Task<StoreUnderTest> CreateStoreAsync() => Task.FromResult(StoreUnderTest.Of(new SqliteStore(Path.Combine(_directory, $"{Guid.NewGuid():N}.db"))));

    public override Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}

public sealed class PostgresArchiveTests : ArchiveSpecification
{
    private readonly List<PostgresStore> _stores = [];

    protected override async Task<StoreUnderTest> CreateStoreAsync()
    {
        var server = await PostgresServer.GetAsync();
        var store = new PostgresStore(server.ConnectionString(await server.CreateDatabaseAsync()));
        _stores.Add(store);
        return StoreUnderTest.Of(store);
    }

    public override async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
    }
}
