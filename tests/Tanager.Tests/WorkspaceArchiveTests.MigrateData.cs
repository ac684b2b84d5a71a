using System.Globalization;
using Npgsql;
using NUlid;
using Tanager.Client;
using Tanager.Server;
using Tanager.Storage.Postgres;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary><c>tanager migrate-data</c> (issue 15, done-when 3): a whole SQLite installation moved to PostgreSQL.</summary>
public sealed partial class WorkspaceArchiveTests
{
    private const int BulkMessages = 100_000;

    [Fact]
    public async Task Migrate_data_moves_a_SQLite_installation_with_100000_messages_to_PostgreSQL_resumes_after_kill_9_and_every_message_compares_equal()
    {
        var sourceSettings = await TestServer.SettingsForAsync(TestStorage.Sqlite);
        await using var source = await TestServer.StartAsync(sourceSettings);
        var rich = await BuildRichWorkspaceAsync(source);
        var room = rich.Room;
        var ws = Ulid.Parse(room.Workspace.Id);
        var bulk = await room.Owner.CreateChannelAsync(room.Workspace.Id, "bulk", topic: "a hundred thousand messages");
        var bulkId = Ulid.Parse(bulk.Id);
        var authors = new[] { room.Owner, room.Members[0], room.Members[1] }.Select(c => Ulid.Parse(c.User!.Id)).ToArray();

        // 100,000 more messages in #bulk through the server's own store (the API would take minutes): three authors,
        // every 25th a reply in the thread of the one before it, words to search for.
        var messages = source.Services.GetRequiredService<IMessageStore>();
        var start = DateTimeOffset.UtcNow;
        Ulid? root = null;
        for (var batch = 0; batch < BulkMessages / 1000; batch++)
        {
            var list = new List<NewMessage>(1000);
            for (var i = batch * 1000; i < (batch + 1) * 1000; i++)
            {
                var id = Ulid.NewUlid(start.AddTicks(i * 1237L));
                list.Add(new NewMessage(ws, bulkId, id, authors[i % 3], $"bulk message {i} about {(i % 7 == 0 ? "zebras" : "ponies")}", i % 25 == 24 ? root : null, start.AddTicks(i * 1237L)));
                if (i % 25 == 23)
                {
                    root = id;
                }
            }
            await messages.AppendAsync(list);
        }

        var targetSettings = await TestServer.SettingsForAsync(TestStorage.Postgres);
        var url = targetSettings.DatabaseUrl!;
        string[] arguments = ["migrate-data", "--from", "sqlite://" + sourceSettings.SqlitePath, "--to", url];

        // A first run, killed (SIGKILL) once it has committed part of the messages: what it committed stays, recorded.
        await using (var killed = ChildProcess.Start("dotnet", [CommandLine.TanagerDll, .. arguments, "--batch-size", "200"]))
        {
            Assert.True(await Eventually.UntilAsync(async () => await CopiedAsync(url, "messages") >= 2000 || killed.HasExited, seconds: 120), "the first run never reached the messages");
            Assert.False(killed.HasExited, $"the first run ended before it could be killed: {killed.Errors}");
        }
        var partial = await CopiedAsync(url, "messages");
        Assert.InRange(partial, 2000, BulkMessages);

        // The same command again resumes after the last committed batch and verifies every table.
        var output = await CommandLine.RunAsync(arguments);
        Assert.Matches(@"^\d+ rows$", output.Trim());
        Assert.True(long.Parse(output.Split(' ')[0], CultureInfo.InvariantCulture) > BulkMessages);
        Assert.Equal(-1, await CopiedAsync(url, "messages"));

        // Again: the database holds data now, so it is refused and nothing is written.
        var (code, errors) = await RunFailingAsync(arguments);
        Assert.Equal(1, code);
        Assert.Contains("already holds data", errors, StringComparison.Ordinal);

        // Every message of every channel, read through both stores, page by page.
        await using (var postgres = new PostgresStore(url))
        {
            foreach (var channel in rich.Channels.Append(rich.Direct).Append(bulk).Select(c => Ulid.Parse(c.Id)))
            {
                var count = 0;
                long after = 0;
                while (true)
                {
                    var expected = await messages.ListAsync(ws, channel, new HistoryQuery(null, after, 1000));
                    var actual = await postgres.ListAsync(ws, channel, new HistoryQuery(null, after, 1000));
                    Assert.Equal(expected.Messages.Select(Canonical), actual.Messages.Select(Canonical));
                    Assert.Equal(expected.HasMore, actual.HasMore);
                    count += expected.Messages.Count;
                    if (!expected.HasMore)
                    {
                        break;
                    }
                    after = expected.Messages[^1].Sequence;
                }
                Assert.True(channel != bulkId || count == BulkMessages, $"#bulk had {count} messages");
            }
        }

        // A server on the copy: the same people sign in with the same passwords, a session from before still works, and
        // every member reads what the original serves (history, threads, pins, reactions, read states, search).
        await using var copy = await TestServer.StartAsync(targetSettings);
        await using (var resumed = await TanagerClient.FromTokenAsync(copy.Url, room.Members[0].Token!))
        {
            Assert.Equal(room.Members[0].User!.Id, resumed.User!.Id);
        }
        await AssertReadsTheSameAsync(rich, source, copy, targetSettings, microseconds: true, resetPasswords: false);
        await using var alice = await TanagerClient.LoginAsync(copy.Url, room.Members[0].User!.Email!, Password);
        Assert.Equal(
            (await room.Members[0].SearchAsync(room.Workspace.Id, "zebras")).Messages.Select(m => m.Id),
            (await alice.SearchAsync(room.Workspace.Id, "zebras")).Messages.Select(m => m.Id));
    }

    [Fact]
    public async Task Migrate_data_copies_into_a_Citus_cluster_and_a_server_on_it_answers_as_the_original()
    {
        var sourceSettings = await TestServer.SettingsForAsync(TestStorage.Sqlite);
        await using var source = await TestServer.StartAsync(sourceSettings);
        var rich = await BuildRichWorkspaceAsync(source);
        var cluster = await CitusCluster.GetAsync();
        var database = await cluster.CreateDatabaseAsync();
        try
        {
            var targetSettings = new ServerSettings(new Uri("http://127.0.0.1:0"), sourceSettings.DataDirectory, DatabaseUrl: cluster.Url(database));
            var output = await CommandLine.RunAsync(["migrate-data", "--from", sourceSettings.DataDirectory, "--to", targetSettings.DatabaseUrl!, "--batch-size", "7"]);
            Assert.Matches(@"^\d+ rows$", output.Trim());
            await using var copy = await TestServer.StartAsync(targetSettings);
            await AssertReadsTheSameAsync(rich, source, copy, targetSettings, microseconds: true, resetPasswords: false);
        }
        finally
        {
            await cluster.DropDatabaseAsync(database);
        }
    }

    /// <summary>Rows of <paramref name="table"/> the copy has committed; -1 once no copy is in progress (its record is gone).</summary>
    private static async Task<long> CopiedAsync(string url, string table)
    {
        await using var connection = new NpgsqlConnection(Tanager.Storage.Postgres.Internal.PostgresConnectionString.Normalize(url));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT to_regclass('tanager_data_migration') IS NOT NULL", connection);
        if (!(bool)(await command.ExecuteScalarAsync())!)
        {
            return -1;
        }
        await using var copied = new NpgsqlCommand("SELECT coalesce(sum(copied), 0) FROM tanager_data_migration WHERE table_name = $1", connection) { Parameters = { new() { Value = table } } };
        return Convert.ToInt64(await copied.ExecuteScalarAsync());
    }

    /// <summary>A message as both stores must give it back, times cut to PostgreSQL's microseconds.</summary>
    private static string Canonical(Message m) => string.Join('|',
        m.Id, m.Sequence, m.ChangeSequence, m.AuthorId, m.Content, m.ThreadId, Us(m.CreatedAt), Us(m.EditedAt), Us(m.DeletedAt), m.Nonce,
        string.Join(',', m.Reactions.Select(r => $"{r.Emoji}:{r.Count}:{string.Join('+', r.Users)}")), Us(m.PinnedAt), m.PinnedBy, m.ReplyCount, Us(m.LastReplyAt),
        string.Join(',', m.Attachments.Select(a => a.Id)));

    private static long? Us(DateTimeOffset? time) => time?.UtcTicks / 10;
}
