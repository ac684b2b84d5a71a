using System.CommandLine;
using System.Globalization;
using Tanager.Server.DataMigration;

namespace Tanager.Server;

/// <summary><c>tanager migrate-data</c>: move an installation from its SQLite database to PostgreSQL.</summary>
internal static class MigrateDataCommand
{
    public const int DefaultBatchSize = 2000;

    public static Command Build()
    {
        var from = new Option<string>("--from")
        {
            Description = "The SQLite database to copy: sqlite:///path/to/tanager.db, a path to the file, or the data folder holding it. Default: $TANAGER_DATA_DIR or ./data.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TANAGER_DATA_DIR") ?? ServerSettings.DefaultDataDirectory,
        };
        var to = new Option<string?>("--to")
        {
            Description = "The PostgreSQL database to copy into, empty (or holding a stopped copy, which is resumed): postgres://user:password@host:5432/tanager. Default: $TANAGER_DATABASE_URL.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TANAGER_DATABASE_URL"),
        };
        to.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string?>();
            if (string.IsNullOrWhiteSpace(value))
            {
                result.AddError("--to is required (or $TANAGER_DATABASE_URL): the PostgreSQL database to copy into.");
            }
            else if (StorageOptions.DatabaseUrlError(value) is { } error)
            {
                result.AddError(error.Replace("--database-url", "--to", StringComparison.Ordinal));
            }
        });
        var batchSize = new Option<int>("--batch-size")
        {
            Description = $"Rows per committed batch (a stopped run resumes after the last one). Default: {DefaultBatchSize}.",
            DefaultValueFactory = _ => DefaultBatchSize,
        };
        batchSize.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 100_000)
            {
                result.AddError("--batch-size must be between 1 and 100000.");
            }
        });
        var command = new Command(
            "migrate-data",
            "Copy everything from the SQLite database into an empty PostgreSQL database (resumable), then compare every row of both. Stop the server first; afterwards start it with --database-url.")
        { from, to, batchSize };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = SqlitePath(parse.GetValue(from)!);
            if (!File.Exists(path))
            {
                await Console.Error.WriteLineAsync($"No SQLite database at {Path.GetFullPath(path)}.");
                return 1;
            }
            var progress = new ProgressBar(Console.Error, interactive: !Console.IsErrorRedirected);
            var migrator = new DataMigrator(path, parse.GetValue(to)!.Trim(), parse.GetValue(batchSize), progress, Console.Error);
            try
            {
                var result = await migrator.RunAsync(cancellationToken);
                var rows = result.Tables.Sum(t => t.Rows);
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"Verified: {result.Tables.Count} tables, {rows:N0} rows, the same in both databases. Start the server with --database-url (its files stay where they are)."));
                await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{rows} rows"));
                return 0;
            }
            catch (DataMigrationException exception)
            {
                await Console.Error.WriteLineAsync();
                await Console.Error.WriteLineAsync(exception.Message);
                return 1;
            }
            catch (Npgsql.NpgsqlException exception)
            {
                await Console.Error.WriteLineAsync();
                await Console.Error.WriteLineAsync($"PostgreSQL: {exception.Message.TrimEnd('.')}. What was committed stays: run the same command again to resume.");
                return 1;
            }
        });
        return command;
    }

    /// <summary>sqlite:///abs/path and sqlite://relative/path name a file; a folder means its tanager.db.</summary>
    internal static string SqlitePath(string value)
    {
        var path = value.StartsWith("sqlite://", StringComparison.OrdinalIgnoreCase) ? value["sqlite://".Length..] : value;
        return Directory.Exists(path) ? Path.Combine(path, "tanager.db") : path;
    }
}
