namespace Tanager.Protocol;

/// <summary>
/// What a slash command routed to a URL POSTs to it when a member types <c>/command text</c>: signed with the command's
/// secret in the <c>Tanager-Signature</c> header, exactly as an outgoing webhook's delivery is.
/// </summary>
public sealed record CommandRequestDto
{
    /// <summary>The command's name, without the slash.</summary>
    public required string Command { get; init; }
    /// <summary>What the member typed after the name (empty when nothing).</summary>
    public required string Text { get; init; }
    public required string UserId { get; init; }
    /// <summary>The member's display name.</summary>
    public required string UserName { get; init; }
    public required string ChannelId { get; init; }
    public required string WorkspaceId { get; init; }
    /// <summary>This invocation's id: unique per request, so a receiver can recognise a request it has seen.</summary>
    public required string ResponseId { get; init; }
    /// <summary>
    /// Where the receiver may POST later answers (a <see cref="CommandAnswerDto"/>, no token: the URL is the credential)
    /// for 15 minutes, for work that outlasts the 3 s the member waits; absent when the server does not know its own address.
    /// </summary>
    public string? ResponseUrl { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}
