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
    /// <summary>The token's scopes do not include the one this request needs; the problem's <c>scope</c> member names it.</summary>
    public const string MissingScope = "missing_scope";
    /// <summary>Only a person's login session may do this (not a bot token, an API key or a gateway ticket).</summary>
    public const string LoginSessionRequired = "login_session_required";
    /// <summary>The account was deactivated by a server administrator.</summary>
    public const string AccountDeactivated = "account_deactivated";
    /// <summary>The server's registration policy refuses this registration (invite-only without a valid invite, or closed).</summary>
    public const string RegistrationClosed = "registration_closed";
    /// <summary>
    /// Single sign-on was refused: the provider's answer failed a check (state, nonce, PKCE, issuer, signature), the
    /// provider reported an error, or a one-time sign-in code is unknown, used or expired (401).
    /// </summary>
    public const string SsoFailed = "sso_failed";
    /// <summary>This identity at the provider is linked to another account already (409).</summary>
    public const string ExternalLoginTaken = "external_login_taken";
    /// <summary>Unlinking the provider would leave an account without a password no way to sign in.</summary>
    public const string LastSignInMethod = "last_sign_in_method";
    /// <summary>The identity provider's discovery document or keys could not be read: try again later (502).</summary>
    public const string SsoProviderUnreachable = "sso_provider_unreachable";
    /// <summary>An API key must say which user it acts as (the <c>Tanager-Act-As</c> header) outside the admin API.</summary>
    public const string ActAsRequired = "act_as_required";
    /// <summary>The file is larger than the server's maximum file size (413).</summary>
    public const string FileTooLarge = "file_too_large";
    /// <summary>The workspace's file quota would be exceeded by this upload (413).</summary>
    public const string QuotaExceeded = "quota_exceeded";
    /// <summary>The server does not accept files of this content type (415).</summary>
    public const string UnsupportedContentType = "unsupported_content_type";
    /// <summary>An attachment's bytes are missing or differ from the declared size: upload it (again) before posting (409).</summary>
    public const string UploadIncomplete = "upload_incomplete";
    /// <summary>The attachment is already attached to a message (409).</summary>
    public const string AttachmentInUse = "attachment_in_use";
    /// <summary>A signed file URL has expired: ask for a new one (403).</summary>
    public const string UrlExpired = "url_expired";
    /// <summary>A signed file URL's signature does not match what it asks for: it was altered or is for another object (403).</summary>
    public const string InvalidSignature = "invalid_signature";
    /// <summary>The password is on the server's list of common and breached passwords (400).</summary>
    public const string PasswordTooCommon = "password_too_common";
    /// <summary>The password was right and the account signs in with a second factor: send a code with the problem's <c>challenge</c> (401).</summary>
    public const string TwoFactorRequired = "two_factor_required";
    /// <summary>The authenticator or recovery code is wrong, already used, or the challenge expired or was used (401).</summary>
    public const string InvalidTwoFactorCode = "invalid_two_factor_code";
    /// <summary>The account already has two-factor sign-in on (409).</summary>
    public const string TwoFactorEnabled = "two_factor_enabled";
    /// <summary>The account has no two-factor sign-in (or its enrolment was not started) (409).</summary>
    public const string TwoFactorNotEnabled = "two_factor_not_enabled";
    /// <summary>The server is at its limit of password checks in progress: try again after <c>Retry-After</c> (503).</summary>
    public const string ServerBusy = "server_busy";
    /// <summary>No slash command of this name is registered in the workspace (404).</summary>
    public const string UnknownCommand = "unknown_command";
    /// <summary>Another bot registered a slash command of this name in the workspace already (409).</summary>
    public const string CommandTaken = "command_taken";
    /// <summary>The bot that answers the command has no live gateway connection: it cannot receive the invocation now (503).</summary>
    public const string BotUnavailable = "bot_unavailable";
    /// <summary>The invocation id is unknown, altered, expired, for another bot, or its command was deleted (404).</summary>
    public const string UnknownInvocation = "unknown_invocation";
    /// <summary>
    /// A slash command's URL gave no usable answer: none within the timeout, a status other than 2xx, or a body that is not
    /// a valid reply (502). Nothing was posted; the detail says which.
    /// </summary>
    public const string CommandFailed = "command_failed";
    /// <summary>The embedding app's moderation hook refused the message (403); the detail says why.</summary>
    public const string MessageRejected = "message_rejected";
}
