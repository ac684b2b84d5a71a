namespace Tanager.Protocol;

/// <summary>Creates a bot token (<c>POST /bots/{bot}/tokens</c>) or a server API key (<c>POST /admin/api-keys</c>).</summary>
public sealed record CreateTokenRequest
{
    /// <summary>What the token is for, shown in listings.</summary>
    public string? Name { get; init; }
    /// <summary>A bot token's scopes; every scope when omitted. API keys have no scopes.</summary>
    public IReadOnlyList<string>? Scopes { get; init; }
}
