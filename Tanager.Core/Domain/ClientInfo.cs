namespace Tanager;

/// <summary>What a transport knows of the client making a request: shown in the user's session list.</summary>
public sealed record ClientInfo(string? UserAgent, string? IpAddress)
{
    /// <summary>User agents longer than this are cut: the list shows them, nothing parses them.</summary>
    internal const int MaxUserAgentLength = 256;

    internal string? TrimmedUserAgent => UserAgent is { Length: > MaxUserAgentLength } ua ? ua[..MaxUserAgentLength] : UserAgent;
}
