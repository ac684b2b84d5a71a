namespace Tanager.Protocol;

/// <summary>Machine-readable error codes: the <c>code</c> member of REST problem documents and of gateway ERROR frames.</summary>
public static class ErrorCodes
{
    public const string InvalidRequest = "invalid_request";
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string NotFound = "not_found";
    public const string Conflict = "conflict";
    public const string EmailTaken = "email_taken";
    /// <summary>The message is a tombstone: it cannot be edited, reacted to, pinned or replied to.</summary>
    public const string MessageDeleted = "message_deleted";
    public const string InvalidCredentials = "invalid_credentials";
    public const string RateLimited = "rate_limited";
    public const string Internal = "internal";
    /// <summary>The channel is archived: it can be read but not posted in, joined or added to.</summary>
    public const string ChannelArchived = "channel_archived";
    /// <summary>The content mentions everyone (<c>&lt;!channel&gt;</c> or <c>&lt;!here&gt;</c>) but the author lacks mention_everyone in the channel.</summary>
    public const string MentionEveryoneForbidden = "mention_everyone_forbidden";
    public const string InviteExpired = "invite_expired";
    public const string InviteUsedUp = "invite_used_up";
    public const string InviteRevoked = "invite_revoked";
}
