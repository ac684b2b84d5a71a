using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using NUlid;
using Tanager.Server;
using Tanager.Storage.Postgres;
using Tanager.Storage.Postgres.Internal;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests.Storage;

/// <summary>
/// Tanager on a Citus cluster (a coordinator and two workers, see <see cref="CitusCluster"/>): the server migrates an empty
/// database, serves sends, history and search through its REST API, and the statements behind them each touch the one
/// shard that holds the workspace. <see cref="CitusStorageTests"/> runs the whole storage specification there too.
/// </summary>
public sealed class CitusTests
{
    [Fact]
    public async Task A_server_on_Citus_migrates_sends_in_two_workspaces_at_once_and_reads_history_and_search_back()
    {
        var cluster = await CitusCluster.GetAsync();
        var database = await cluster.CreateDatabaseAsync();
        try
        {
            var settings = new ServerSettings(new Uri("http://127.0.0.1:0"), Directory.CreateTempSubdirectory("tanager-citus-").FullName, DatabaseUrl: cluster.Url(database));
            await using (var server = await TestServer.StartAsync(settings))
            {
                await using var owner = await server.NewUserAsync();
                var acme = await owner.CreateWorkspaceAsync("Acme");
                var globex = await owner.CreateWorkspaceAsync("Globex");
                var acmeGeneral = await owner.CreateChannelAsync(acme.Id, "general");
                var globexGeneral = await owner.CreateChannelAsync(globex.Id, "general");

                // Concurrent sends to both workspaces: the group commit puts both in one batch, one statement per workspace.
                const int PerChannel = 40;
                await Task.WhenAll(Enumerable.Range(1, PerChannel).SelectMany(i => new[]
                {
                    owner.PostMessageAsync(acme.Id, acmeGeneral.Id, $"acme message {i}"),
                    owner.PostMessageAsync(globex.Id, globexGeneral.Id, $"globex message {i}"),
                }));
                await owner.PostMessageAsync(acme.Id, acmeGeneral.Id, "the quasar launch is on friday");

                var acmeHistory = await owner.GetMessagesAsync(acme.Id, acmeGeneral.Id, limit: 100);
                Assert.Equal(Enumerable.Range(1, PerChannel + 1).Select(i => (long)i), acmeHistory.Messages.Select(m => m.Sequence));
                Assert.Equal(Enumerable.Range(1, PerChannel).Select(i => $"acme message {i}").Order(),
                    acmeHistory.Messages.Take(PerChannel).Select(m => m.Content).Order());
                Assert.Equal(PerChannel + 1, acmeHistory.LastSequence);
                var globexHistory = await owner.GetMessagesAsync(globex.Id, globexGeneral.Id, limit: 100);
                Assert.Equal(Enumerable.Range(1, PerChannel).Select(i => (long)i), globexHistory.Messages.Select(m => m.Sequence));
                Assert.All(globexHistory.Messages, m => Assert.StartsWith("globex message ", m.Content, StringComparison.Ordinal));

                var found = Assert.Single((await owner.SearchAsync(acme.Id, "quasar")).Messages);
                Assert.Equal("the quasar launch is on friday", found.Content);
                Assert.Empty((await owner.SearchAsync(globex.Id, "quasar")).Messages);
            }

            // The server's migrations distributed what scaling.md says, not merely ran.
            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT table_name::text, citus_table_type, distribution_column FROM citus_tables", connection);
            var tables = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    tables.Add($"{reader.GetString(0)} {reader.GetString(1)} {reader.GetString(2)}");
                }
            }
            Assert.Equal(DocumentedTables().Order(StringComparer.Ordinal), tables.Order(StringComparer.Ordinal));
        }
        finally
        {
            await cluster.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task Send_history_and_search_for_one_workspace_each_run_on_a_single_shard()
    {
        var cluster = await CitusCluster.GetAsync();
        var database = await cluster.CreateDatabaseAsync();
        try
        {
            await using var store = new PostgresStore(database);
            await store.MigrateAsync();
            await using var connection = new NpgsqlConnection(database + ";Include Error Detail=true");
            await connection.OpenAsync();
            var workspace = Ulid.NewUlid();
            var channel = Ulid.NewUlid();
            var author = Ulid.NewUlid();
            var now = DateTimeOffset.UtcNow;

            // The check can fail: a statement without the workspace runs on every shard.
            Assert.NotEqual(1, await TaskCountAsync(connection, "SELECT id FROM messages WHERE id = $1", Guid.NewGuid()));

            NewMessage[] sends = [new(workspace, channel, Ulid.NewUlid(), author, "one", null, now), new(workspace, Ulid.NewUlid(), Ulid.NewUlid(), author, "two", Ulid.NewUlid(), now, "n-2")];
            Assert.Equal(1, await TaskCountAsync(connection, PostgresStore.AppendSql, PostgresStore.AppendParameters(workspace, sends)));
            foreach (var forward in new[] { true, false })
            {
                foreach (var topLevelOnly in new[] { true, false })
                {
                    var history = new HistoryQuery(forward ? null : 10L, forward ? 10L : null, 50, topLevelOnly);
                    Assert.Equal(1, await TaskCountAsync(connection, await store.HistorySqlAsync(workspace, channel, history)));
                }
            }
            var searches = new[]
            {
                new MessageSearch([channel, Ulid.NewUlid()], "launch plans", 20),
                new MessageSearch([channel], "", 20) { AuthorIds = [author], CreatedBefore = now, CreatedOnOrAfter = now.AddDays(-7), Thread = SearchThreadFilter.TopLevelOnly },
            };
            foreach (var search in searches)
            {
                var (sql, values) = PostgresStore.SearchStatement(workspace, search);
                Assert.Equal(1, await TaskCountAsync(connection, sql, values));
            }
        }
        finally
        {
            await cluster.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public void Scaling_md_lists_every_distribution_statement_of_the_migrations_in_order()
    {
        var migrations = Path.Combine(Repository.Root, "Tanager.Storage.Postgres", "Migrations");
        // citus.sql runs between 0001 and 0002.
        var files = Directory.GetFiles(migrations, "*.sql").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        files.Remove("citus.sql");
        files.Insert(1, "citus.sql");
        var calls = new Regex(@"create_(distributed|reference)_table\([^)]*\)");
        var inMigrations = files.SelectMany(file => calls.Matches(File.ReadAllText(Path.Combine(migrations, file!))).Select(m => m.Value)).ToList();
        var doc = File.ReadAllText(Path.Combine(Repository.Root, "docs", "scaling.md"));
        var start = doc.IndexOf("<!-- citus-statements:start -->", StringComparison.Ordinal);
        var end = doc.IndexOf("<!-- citus-statements:end -->", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "scaling.md has no citus-statements block");
        var inDoc = calls.Matches(doc[start..end]).Select(m => m.Value).ToList();
        Assert.Equal(27, inMigrations.Count);
        Assert.Equal(inMigrations, inDoc);
    }

    /// <summary>The rows of scaling.md's table of tables, as "name kind column" the way citus_tables reports them.</summary>
    private static IEnumerable<string> DocumentedTables()
    {
        var doc = File.ReadAllLines(Path.Combine(Repository.Root, "docs", "scaling.md"));
        var start = Array.IndexOf(doc, "| Table | Citus kind | Distribution column |");
        Assert.True(start >= 0, "scaling.md has no table of Citus tables");
        foreach (var row in doc.Skip(start + 2).TakeWhile(line => line.StartsWith('|')))
        {
            var cells = row.Trim('|').Split('|').Select(cell => cell.Trim().Trim('`')).ToArray();
            var kind = cells[1].Split(' ')[0];
            yield return $"{cells[0]} {kind} {(kind == "reference" ? "<none>" : cells[2])}";
        }
    }

    /// <summary>
    /// How many shards the statement runs on, from Citus's EXPLAIN: the sum of its tasks, plus one for each subplan that
    /// Citus would run first and pull to the coordinator (a statement it cannot route as a whole). The values are written
    /// into the statement as literals, which is what Citus plans an execution with (a custom plan for the bound values);
    /// EXPLAIN with bound parameters cannot plan a data-modifying CTE ("could not create distributed plan").
    /// </summary>
    private static async Task<int> TaskCountAsync(NpgsqlConnection connection, string sql, params object?[] values)
    {
        var bound = Regex.Replace(sql, @"\$(\d+)", match => Literal(values[int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) - 1]));
        await using var command = new NpgsqlCommand("EXPLAIN " + bound, connection);
        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }
        var tasks = plan.Select(line => line.Trim()).Where(line => line.StartsWith("Task Count: ", StringComparison.Ordinal))
            .Sum(line => int.Parse(line["Task Count: ".Length..], CultureInfo.InvariantCulture));
        var subplans = plan.Count(line => line.Contains("Distributed Subplan", StringComparison.Ordinal));
        Assert.True(tasks > 0, "Not a Citus plan:\n" + string.Join('\n', plan));
        return tasks + subplans;
    }

    private static string Literal(object? value) => value switch
    {
        NpgsqlParameter parameter => Literal(parameter.Value),
        null or DBNull => "NULL",
        Guid guid => $"'{guid}'::uuid",
        string text => $"'{text.Replace("'", "''", StringComparison.Ordinal)}'::text",
        DateTimeOffset instant => $"'{instant.UtcDateTime:O}'::timestamptz",
        DateTime instant => $"'{instant:O}'::timestamptz",
        int or long => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        Guid?[] guids => $"ARRAY[{string.Join(", ", guids.Select(g => Literal(g)))}]::uuid[]",
        Guid[] guids => $"ARRAY[{string.Join(", ", guids.Select(g => Literal(g)))}]::uuid[]",
        string?[] texts => $"ARRAY[{string.Join(", ", texts.Select(Literal))}]::text[]",
        DateTimeOffset[] instants => $"ARRAY[{string.Join(", ", instants.Select(i => Literal(i)))}]::timestamptz[]",
        _ => throw new ArgumentException($"No literal for {value.GetType()}", nameof(value)),
    };
}
