using NUlid;

namespace Tanager;

/// <summary>
/// A message about to be stored, as a <see cref="TanagerHooks.BeforeMessage"/> hook sees it: who writes where, and the
/// content, which the hook may replace or refuse.
/// </summary>
public sealed class MessageDraft
{
    private string _content;

    internal MessageDraft(Ulid workspaceId, Ulid channelId, Ulid authorId, Ulid? threadId, Ulid? editedMessageId, string content)
    {
        WorkspaceId = workspaceId;
        ChannelId = channelId;
        AuthorId = authorId;
        ThreadId = threadId;
        EditedMessageId = editedMessageId;
        _content = content;
    }

    public Ulid WorkspaceId { get; }
    public Ulid ChannelId { get; }
    /// <summary>The author's user id (a bot's for a bot, the webhook's user for an incoming webhook).</summary>
    public Ulid AuthorId { get; }
    /// <summary>The thread a reply goes to; null for a top-level message (and for edits).</summary>
    public Ulid? ThreadId { get; }
    /// <summary>The message being edited; null for a new message.</summary>
    public Ulid? EditedMessageId { get; }

    /// <summary>The content to store. A new value is checked as any content is (length, <c>&lt;!channel&gt;</c> rights).</summary>
    public string Content
    {
        get => _content;
        set => _content = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Why a hook refused the message; null while none has.</summary>
    public string? RejectionReason { get; private set; }

    /// <summary>Refuses the message: the sender gets <c>403 message_rejected</c> with <paramref name="reason"/>, and nothing is stored.</summary>
    public void Reject(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        RejectionReason = reason;
    }
}
