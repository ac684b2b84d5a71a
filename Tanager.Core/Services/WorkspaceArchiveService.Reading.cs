using System.Globalization;
using System.Text.Json;
using NUlid;

namespace Tanager;

public sealed partial class WorkspaceArchiveService
{
    private static readonly Dictionary<string, ArchiveTable> TablesByType = WorkspaceArchive.Tables.ToDictionary(t => t.Type);

    /// <summary>Reads and checks every line; the records come back grouped in table order (references first).</summary>
    private static async Task<(Ulid WorkspaceId, IReadOnlyList<ArchiveRecord> Records)> ReadAllAsync(Stream input, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(input, System.Text.Encoding.UTF8);
        var lines = new List<(int Line, ArchiveRecord Record)>();
        var keys = new Dictionary<string, int>(StringComparer.Ordinal);
        var number = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            number++;
            if (number == 1)
            {
                ReadHeader(line);
                continue;
            }
            var record = Parse(number, line);
            var key = record.Table.Type + ":" + string.Join(',', record.Table.KeyColumns.Select(c => record.Values[record.Table.IndexOf(c)]));
            if (!keys.TryAdd(key, number))
            {
                throw Invalid(number, $"a second {record.Table.Type} with the key of line {keys[key]}.");
            }
            lines.Add((number, record));
            if (number % 1000 == 0)
            {
                progress?.Report(number);
            }
        }
        if (number == 0)
        {
            throw TanagerException.Invalid("The file is empty: not a Tanager export.");
        }
        progress?.Report(number);
        var workspaceId = CheckReferences(lines);
        var order = WorkspaceArchive.Tables.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i);
        return (workspaceId, [.. lines.OrderBy(l => order[l.Record.Table]).Select(l => l.Record)]);
    }

    private static void ReadHeader(string line)
    {
        try
        {
            using var header = JsonDocument.Parse(line);
            if (header.RootElement.ValueKind == JsonValueKind.Object
                && header.RootElement.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == HeaderType
                && header.RootElement.TryGetProperty("format", out var format) && format.ValueKind == JsonValueKind.Number)
            {
                if (!format.TryGetInt32(out var version) || version != WorkspaceArchive.Format)
                {
                    throw Invalid(1, $"format {format.GetRawText()} is not one this server reads (it reads format {WorkspaceArchive.Format}).");
                }
                return;
            }
        }
        catch (JsonException)
        {
        }
        throw Invalid(1, $"not a Tanager export: the first line must be {{\"type\":\"{HeaderType}\",\"format\":{WorkspaceArchive.Format}}}.");
    }

    private static ArchiveRecord Parse(int number, string line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException exception)
        {
            throw Invalid(number, $"not JSON ({exception.Message})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
            {
                throw Invalid(number, "not an object with a string \"type\".");
            }
            var type = typeElement.GetString()!;
            if (!TablesByType.TryGetValue(type, out var table))
            {
                throw Invalid(number, $"unknown type \"{type}\".");
            }
            var values = new object?[table.Columns.Count];
            for (var i = 0; i < values.Length; i++)
            {
                var column = table.Columns[i];
                if (!root.TryGetProperty(column.Name, out var element))
                {
                    throw Invalid(number, $"the {type} has no \"{column.Name}\".");
                }
                values[i] = Value(number, type, column, element);
            }
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name != "type" && !table.Columns.Any(c => c.Name == property.Name))
                {
                    throw Invalid(number, $"a {type} has no \"{property.Name}\".");
                }
            }
            return new ArchiveRecord(table, values);
        }
    }

    private static object? Value(int number, string type, ArchiveColumn column, JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            return column.Nullable ? null : throw Invalid(number, $"the {type}'s \"{column.Name}\" cannot be null.");
        }
        object? value = column.Kind switch
        {
            ArchiveColumnKind.Id when element.ValueKind == JsonValueKind.String && Ulid.TryParse(element.GetString(), out var id) && id.ToString() == element.GetString() => id,
            ArchiveColumnKind.Text when element.ValueKind == JsonValueKind.String => element.GetString(),
            ArchiveColumnKind.Integer when element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var integer) => integer,
            ArchiveColumnKind.Boolean when element.ValueKind is JsonValueKind.True or JsonValueKind.False => element.GetBoolean(),
            ArchiveColumnKind.Time when element.ValueKind == JsonValueKind.String
                && DateTime.TryParseExact(element.GetString(), TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
                => new DateTimeOffset(time, TimeSpan.Zero),
            ArchiveColumnKind.Json when element.ValueKind == JsonValueKind.Object => element.GetRawText(),
            _ => null,
        };
        return value ?? throw Invalid(number, $"the {type}'s \"{column.Name}\" is not {Describe(column.Kind)}.");
    }

    private static string Describe(ArchiveColumnKind kind) => kind switch
    {
        ArchiveColumnKind.Id => "a ULID (26 characters, upper case)",
        ArchiveColumnKind.Text => "a string",
        ArchiveColumnKind.Integer => "a whole number",
        ArchiveColumnKind.Boolean => "true or false",
        ArchiveColumnKind.Time => "a UTC time like 2026-01-02T03:04:05.1234567Z",
        _ => "a JSON object",
    };

    /// <summary>
    /// One workspace; every row in it; every user, channel and message a row refers to in the file. The workspace's id
    /// is returned.
    /// </summary>
    private static Ulid CheckReferences(List<(int Line, ArchiveRecord Record)> lines)
    {
        var workspaces = lines.Where(l => l.Record.Table == WorkspaceArchive.Workspaces).ToList();
        if (workspaces.Count != 1)
        {
            throw TanagerException.Invalid(workspaces.Count == 0 ? "The file holds no workspace record." : $"line {workspaces[1].Line}: a second workspace; an export holds one.");
        }
        var workspaceId = (Ulid)workspaces[0].Record.Values[0]!;
        var ids = WorkspaceArchive.Tables.ToDictionary(t => t, t => t.KeyColumns is ["id"]
            ? lines.Where(l => l.Record.Table == t).Select(l => (Ulid)l.Record.Values[t.IndexOf("id")]!).ToHashSet()
            : []);
        foreach (var (line, record) in lines)
        {
            var table = record.Table;
            if (table.ScopeColumn is { } scope && (Ulid)record.Values[table.IndexOf(scope)]! != workspaceId)
            {
                throw Invalid(line, $"the {table.Type} belongs to workspace {record.Values[table.IndexOf(scope)]}, not {workspaceId}.");
            }
            foreach (var column in table.UserColumns)
            {
                RequireIn(line, record, column, ids[WorkspaceArchive.Users], "user");
            }
            if (table != WorkspaceArchive.Channels && table.Columns.Any(c => c.Name == "channel_id"))
            {
                RequireIn(line, record, "channel_id", ids[WorkspaceArchive.Channels], "channel");
            }
            if (table == WorkspaceArchive.Reactions)
            {
                RequireIn(line, record, "message_id", ids[WorkspaceArchive.Messages], "message");
            }
            if (table == WorkspaceArchive.ThreadFollows)
            {
                RequireIn(line, record, "thread_id", ids[WorkspaceArchive.Messages], "message");
            }
        }
        return workspaceId;
    }

    private static void RequireIn(int line, ArchiveRecord record, string column, HashSet<Ulid> known, string what)
    {
        if (record.Values[record.Table.IndexOf(column)] is Ulid id && !known.Contains(id))
        {
            throw Invalid(line, $"the {record.Table.Type}'s \"{column}\" refers to {what} {id}, which the file does not hold.");
        }
    }

    private static TanagerException Invalid(int line, string problem) => TanagerException.Invalid($"line {line}: {problem} Nothing was imported.");
}
