using System.CommandLine;

namespace Tanager.Server;

/// <summary>The storage options shared by <c>serve</c> and <c>migrate</c>.</summary>
internal sealed class StorageOptions
{
    public Option<string> DataDirectory { get; } = new("--data-dir")
    {
        Description = "Folder for the SQLite database (used when no --database-url is given). Default: $TANAGER_DATA_DIR or ./data.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TANAGER_DATA_DIR") ?? ServerSettings.DefaultDataDirectory,
    };

    public Option<string?> DatabaseUrl { get; } = new("--database-url")
    {
        Description = "PostgreSQL to store everything in, e.g. postgres://user:password@host:5432/tanager. Default: $TANAGER_DATABASE_URL.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TANAGER_DATABASE_URL"),
    };

    public StorageOptions()
    {
        DatabaseUrl.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } value && DatabaseUrlError(value) is { } error)
            {
                result.AddError(error);
            }
        });
    }

    /// <summary>Why a value is not a PostgreSQL URL or connection string; null when it may be one.</summary>
    public static string? DatabaseUrlError(string value) =>
        value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || value.Contains('=', StringComparison.Ordinal)
            ? null
            : "--database-url must be a postgres:// URL or an Npgsql connection string (Host=…;Database=…).";

    public void AddTo(Command command)
    {
        command.Options.Add(DataDirectory);
        command.Options.Add(DatabaseUrl);
    }

    public ServerSettings Read(ParseResult parse, Uri listen) =>
        new(listen, parse.GetValue(DataDirectory)!, string.IsNullOrWhiteSpace(parse.GetValue(DatabaseUrl)) ? null : parse.GetValue(DatabaseUrl));
}
