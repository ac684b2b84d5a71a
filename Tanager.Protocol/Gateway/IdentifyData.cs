namespace Tanager.Protocol;

public sealed record IdentifyData
{
    public string? Token { get; init; }

    /// <summary>
    /// The newest change sequence the client has seen, per channel id. The server sends every change after it, from the
    /// store, before the channel's live events. Channels left out start from READY's <c>last_sequence</c>.
    /// </summary>
    public IReadOnlyDictionary<string, long>? LastSequences { get; init; }
}
