namespace Tanager.Protocol;

/// <summary>
/// Where the signed-in user's browser goes to link an identity provider to their account: a start URL carrying a
/// single-use link ticket, good for <see cref="ExpiresIn"/> seconds.
/// </summary>
public sealed record SsoLinkDto
{
    public required string Url { get; init; }
    public required int ExpiresIn { get; init; }
}
