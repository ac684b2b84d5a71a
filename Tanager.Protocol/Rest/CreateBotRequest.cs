namespace Tanager.Protocol;

/// <summary>Creates a bot in a workspace, owned by the caller, with a first token.</summary>
public sealed record CreateBotRequest
{
    public string? Name { get; init; }
    /// <summary>The first token's scopes; every scope when omitted.</summary>
    public IReadOnlyList<string>? Scopes { get; init; }
}
