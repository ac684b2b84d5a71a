namespace Tanager;

/// <summary>What a credential is being presented for: each kind of credential is good for some of these only.</summary>
public enum CredentialUse
{
    /// <summary>A REST request: logins, bot tokens, host identity, and API keys acting as a user.</summary>
    Api = 0,
    /// <summary>The admin API: also API keys acting as the server.</summary>
    AdminApi = 1,
    /// <summary>A gateway IDENTIFY or an event stream: also single-use gateway tickets, which are for nothing else.</summary>
    Connection = 2,
    /// <summary>
    /// An event stream whose credential came in its URL (<c>?access_token=</c>, for browsers' EventSource): only a
    /// single-use gateway ticket, since URLs end up in logs and histories and a used ticket grants nothing.
    /// </summary>
    UrlTicket = 3,
}
