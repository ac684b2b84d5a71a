using System.Globalization;
using System.Text.Json;
using NUlid;

namespace Tanager;

/// <summary>
/// Exports a workspace as JSON Lines and imports such a file into another server's store, exactly: ids, times and
/// sequence numbers are written as stored. Each line is one object whose <c>type</c> names its table
/// (<see cref="WorkspaceArchive"/>) and whose other properties are that table's columns; the first line is a header
/// <c>{"type":"tanager_export","format":1}</c>. For server administrators (the command line).
/// </summary>
public sealed partial class WorkspaceArchiveService(IWorkspaceArchiveStore? store = null)
{
    internal const string HeaderType = "tanager_export";

    // All seven digits of a tick, so a time reads back to the tick it was stored with.
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    private static readonly ReadOnlyMemory<byte> NewLine = "\n"u8.ToArray();

    /// <summary>
    /// Writes the workspace to <paramref name="output"/>; <paramref name="progress"/> hears the number of records written
    /// so far. Returns how many records of each type were written.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, long>> ExportAsync(Caller caller, Ulid workspaceId, Stream output, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        var archive = EnsureArchive(caller);
        ArgumentNullException.ThrowIfNull(output);
        var counts = WorkspaceArchive.Tables.ToDictionary(t => t.Type, _ => 0L);
        await using var writer = new Utf8JsonWriter(output);
        WriteHeader(writer);
        await NewLineAsync(writer, output, cancellationToken);
        long written = 0;
        await foreach (var record in archive.ReadArchiveAsync(workspaceId, cancellationToken))
        {
            WriteRecord(writer, record);
            await NewLineAsync(writer, output, cancellationToken);
            counts[record.Table.Type]++;
            // Every thousand records: often enough for a bar to move, rarely enough to cost nothing.
            if (++written % 1000 == 0)
            {
                progress?.Report(written);
            }
        }
        if (counts[WorkspaceArchive.Workspaces.Type] == 0)
        {
            throw TanagerException.NotFound("Workspace");
        }
        progress?.Report(written);
        return counts;
    }

    /// <summary>
    /// Reads an export from <paramref name="input"/>, checks every line (a bad one is refused with its line number and
    /// nothing is written) and writes the workspace into the store in one transaction. Refused with 409 when the store
    /// has a workspace with the same id, or an archived user's email belongs to another account.
    /// </summary>
    public async Task<(Ulid WorkspaceId, IReadOnlyDictionary<string, long> Counts)> ImportAsync(Caller caller, Stream input, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        var archive = EnsureArchive(caller);
        ArgumentNullException.ThrowIfNull(input);
        var (workspaceId, records) = await ReadAllAsync(input, progress, cancellationToken);
        var result = await archive.WriteArchiveAsync(workspaceId, records, cancellationToken);
        return result switch
        {
            ArchiveWriteResult.Written => (workspaceId, WorkspaceArchive.Tables.ToDictionary(t => t.Type, t => (long)records.Count(r => r.Table == t))),
            ArchiveWriteResult.WorkspaceExists => throw TanagerException.Conflict(Protocol.ErrorCodes.Conflict, $"Workspace {workspaceId} exists on this server already; nothing was imported."),
            _ => throw TanagerException.Conflict(Protocol.ErrorCodes.Conflict, "An archived user's email belongs to another account on this server; nothing was imported."),
        };
    }

    private IWorkspaceArchiveStore EnsureArchive(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsServerAdministrator)
        {
            throw TanagerException.Forbidden("Server administrators only.");
        }
        return store ?? throw TanagerException.Invalid("This store cannot export or import workspaces (the in-memory store keeps nothing to move).");
    }

    private static void WriteHeader(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", HeaderType);
        writer.WriteNumber("format", WorkspaceArchive.Format);
        writer.WriteEndObject();
    }

    private static async Task NewLineAsync(Utf8JsonWriter writer, Stream output, CancellationToken cancellationToken)
    {
        await writer.FlushAsync(cancellationToken);
        writer.Reset();
        await output.WriteAsync(NewLine, cancellationToken);
    }

    private static void WriteRecord(Utf8JsonWriter writer, ArchiveRecord record)
    {
        writer.WriteStartObject();
        writer.WriteString("type", record.Table.Type);
        for (var i = 0; i < record.Table.Columns.Count; i++)
        {
            var column = record.Table.Columns[i];
            writer.WritePropertyName(column.Name);
            switch (record.Values[i])
            {
                case null:
                    writer.WriteNullValue();
                    break;
                case Ulid id:
                    writer.WriteStringValue(id.ToString());
                    break;
                case long number:
                    writer.WriteNumberValue(number);
                    break;
                case bool flag:
                    writer.WriteBooleanValue(flag);
                    break;
                case DateTimeOffset time:
                    writer.WriteStringValue(time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture));
                    break;
                case string json when column.Kind == ArchiveColumnKind.Json:
                    writer.WriteRawValue(json);
                    break;
                case string text:
                    writer.WriteStringValue(text);
                    break;
                default:
                    throw new InvalidOperationException($"{record.Table.Name}.{column.Name}: a store returned a {record.Values[i]!.GetType().Name}.");
            }
        }
        writer.WriteEndObject();
    }
}
