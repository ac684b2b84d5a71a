namespace Tanager;

/// <summary>The kinds of <see cref="AuditEvent"/>, as stored and shown by the admin API.</summary>
public static class AuditEventKinds
{
    public const string AccountCreated = "account.created";
    public const string LoginSucceeded = "login.succeeded";
    public const string LoginFailed = "login.failed";
    /// <summary>The password was right and the account has two-factor sign-in: a challenge was issued for the code.</summary>
    public const string LoginChallenged = "login.challenged";
    /// <summary>An identity provider account was linked to a Tanager account; the detail names the provider and how.</summary>
    public const string ExternalLoginLinked = "external_login.linked";
    /// <summary>A user removed their link to an identity provider; the detail names the provider.</summary>
    public const string ExternalLoginUnlinked = "external_login.unlinked";
    public const string PasswordChanged = "password.changed";
    public const string TwoFactorEnabled = "two_factor.enabled";
    public const string TwoFactorDisabled = "two_factor.disabled";
    /// <summary>A server administrator removed an account's second factor (a lost authenticator).</summary>
    public const string TwoFactorReset = "two_factor.reset";
    public const string RecoveryCodeUsed = "two_factor.recovery_code_used";
    public const string SessionRevoked = "session.revoked";
    public const string BotTokenCreated = "bot_token.created";
    public const string BotTokenRevoked = "bot_token.revoked";
    public const string ApiKeyCreated = "api_key.created";
    public const string ApiKeyRevoked = "api_key.revoked";
    /// <summary>An incoming webhook was made or deleted; the detail names it and its channel (never its token).</summary>
    public const string WebhookCreated = "webhook.created";
    public const string WebhookDeleted = "webhook.deleted";
    public const string SubscriptionCreated = "subscription.created";
    public const string SubscriptionDeleted = "subscription.deleted";
    public const string SubscriptionReplayed = "subscription.replayed";
    /// <summary>A slash command was routed to a URL, or its URL changed; the detail names the command and the URL (never its secret).</summary>
    public const string CommandUrlSet = "command.url_set";
    /// <summary>A slash command routed to a URL was deleted; the detail names the command and the URL.</summary>
    public const string CommandUrlDeleted = "command.url_deleted";
    /// <summary>Server administrator granted or revoked; the detail says which.</summary>
    public const string ServerAdminChanged = "role.server_admin";
    /// <summary>A workspace member's role changed; the detail names the workspace and the role.</summary>
    public const string WorkspaceRoleChanged = "role.workspace";
    public const string AccountDeactivated = "account.deactivated";
    public const string AccountReactivated = "account.reactivated";
}
