using System.CommandLine;
using Tanager.Storage.Sqlite;

namespace Tanager.Server;

/// <summary><c>tanager admin export</c>, <c>import</c> and <c>backup</c>: moving a workspace and copying the whole store.</summary>
internal static partial class AdminCommand
{
    private static Command Export()
    {
        var workspace = new Option<string>("--workspace") { Description = "The id of the workspace to export.", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "The JSON Lines file to write (it must not exist).", Required = true };
        var command = new Command("export", "Write a workspace (its members' accounts, channels, messages, reactions, pins, read states, attachments' records, webhooks) as JSON Lines. No passwords, sessions, tokens, two-factor secrets or file bytes.") { workspace, output };
        var context = new Context(command);
        command.SetAction((parse, cancellationToken) => context.RunAsync(parse, async (services, ct) =>
        {
            var id = Ids.Parse(parse.GetValue(workspace), "Workspace");
            var file = parse.GetValue(output)!;
            if (file.Exists)
            {
                throw new TanagerException($"{file.FullName} exists; export never overwrites a file.");
            }
            // Written beside the target and renamed when complete, so that a failed export leaves no half file behind.
            var partial = file.FullName + ".partial";
            try
            {
                // Owner-only (0600), like the database: the file holds every message and the members' emails.
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, BufferSize = 1 << 16, Options = FileOptions.Asynchronous };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }
                await using (var stream = new FileStream(partial, options))
                {
                    var counts = await services.GetRequiredService<WorkspaceArchiveService>().ExportAsync(Caller.CommandLine, id, stream, Progress("exported"), ct);
                    await Console.Error.WriteLineAsync($"Exported workspace {id}: {Summary(counts)}.");
                }
                File.Move(partial, file.FullName);
            }
            finally
            {
                File.Delete(partial);
            }
            await Console.Out.WriteLineAsync(file.FullName);
        }, cancellationToken));
        return command;
    }

    private static Command Import()
    {
        var input = new Option<FileInfo>("--in") { Description = "A file written by tanager admin export.", Required = true };
        var command = new Command("import", "Load a workspace written by tanager admin export into this server's store, all or nothing. Refuses a workspace id the store has already.") { input };
        var context = new Context(command);
        command.SetAction((parse, cancellationToken) => context.RunAsync(parse, async (services, ct) =>
        {
            var file = parse.GetValue(input)!;
            if (!file.Exists)
            {
                throw new TanagerException($"{file.FullName} does not exist.");
            }
            await using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            var (id, counts) = await services.GetRequiredService<WorkspaceArchiveService>().ImportAsync(Caller.CommandLine, stream, Progress("read"), ct);
            await Console.Error.WriteLineAsync($"Imported workspace {id}: {Summary(counts)}.");
            await Console.Out.WriteLineAsync(id.ToString());
        }, cancellationToken));
        return command;
    }

    private static Command Backup()
    {
        var output = new Option<FileInfo>("--out") { Description = "The file to write the copy of the SQLite database to (it must not exist).", Required = true };
        var command = new Command("backup", "Copy the SQLite database while the server runs (SQLite's online backup). For PostgreSQL use pg_dump: see docs/deployment.md.") { output };
        var context = new Context(command);
        command.SetAction((parse, cancellationToken) => context.RunAsync(parse, async (services, ct) =>
        {
            var store = services.GetService<SqliteStore>()
                ?? throw new TanagerException("tanager admin backup copies a SQLite database; this server stores in PostgreSQL: back it up with pg_dump (docs/deployment.md, \"Backup and restore\").");
            var file = parse.GetValue(output)!;
            try
            {
                await store.BackupAsync(file.FullName, ct);
            }
            catch (IOException exception)
            {
                throw new TanagerException(exception.Message);
            }
            await Console.Error.WriteLineAsync($"Backed up {store.Path} to {file.FullName} ({new FileInfo(file.FullName).Length} bytes).");
            await Console.Out.WriteLineAsync(file.FullName);
        }, cancellationToken));
        return command;
    }

    /// <summary>Counts on standard error as they grow: standard output stays for the result alone.</summary>
    private static Progress<long> Progress(string verb) => new(n => Console.Error.WriteLine($"… {n} records {verb}"));

    private static string Summary(IReadOnlyDictionary<string, long> counts) =>
        string.Join(", ", counts.Where(c => c.Value > 0).Select(c => $"{c.Value} {c.Key}{(c.Value == 1 ? "" : "s")}"));
}
