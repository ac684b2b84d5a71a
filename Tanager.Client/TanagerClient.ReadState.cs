using Tanager.Protocol;

namespace Tanager.Client;

public sealed partial class TanagerClient
{
    /// <summary>Marks a channel read up to message <paramref name="sequence"/>; the user's other connections get READ_STATE_UPDATE.</summary>
    public Task<ReadStateDto> MarkReadAsync(string workspaceId, string channelId, long sequence, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, $"workspaces/{Uri.EscapeDataString(workspaceId)}/channels/{Uri.EscapeDataString(channelId)}/read",
            new MarkReadRequest { Sequence = sequence }, TanagerJsonContext.Default.MarkReadRequest, TanagerJsonContext.Default.ReadStateDto, cancellationToken);

    /// <summary>Unread and mention counts of every channel the user is in.</summary>
    public Task<ReadStateList> GetReadStatesAsync(string workspaceId, CancellationToken cancellationToken = default) =>
        GetAsync($"workspaces/{Uri.EscapeDataString(workspaceId)}/read-states", TanagerJsonContext.Default.ReadStateList, cancellationToken);

    /// <summary>Messages that mention the user, newest first; page with <paramref name="before"/> (a message id).</summary>
    public Task<SearchResults> GetMentionsAsync(string workspaceId, string? before = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string>();
        if (before is not null)
        {
            query.Add("before=" + Uri.EscapeDataString(before));
        }
        if (limit is not null)
        {
            query.Add("limit=" + limit.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        var suffix = query.Count == 0 ? "" : "?" + string.Join('&', query);
        return GetAsync($"workspaces/{Uri.EscapeDataString(workspaceId)}/mentions{suffix}", TanagerJsonContext.Default.SearchResults, cancellationToken);
    }
}
