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
}
