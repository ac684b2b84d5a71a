namespace Tanager.Protocol;

public sealed record PostMessageRequest
{
    public string? Content { get; init; }
    /// <summary>
    /// An idempotency key of the sender's choosing (1–64 characters of letters, digits, '.', '_', ':', '-'): a send
    /// retried with the same nonce in the same channel returns the message the first one created instead of a second one.
    /// </summary>
    public string? Nonce { get; init; }
    /// <summary>Makes the message a reply in the thread of this top-level, live message of the same channel.</summary>
    public string? ThreadId { get; init; }
    /// <summary>
    /// Ids of uploads (<c>POST …/attachments</c>) to attach: the caller's own, for this channel, not attached yet, at most
    /// 10. With attachments, <see cref="Content"/> may be empty.
    /// </summary>
    public IReadOnlyList<string>? AttachmentIds { get; init; }
}
