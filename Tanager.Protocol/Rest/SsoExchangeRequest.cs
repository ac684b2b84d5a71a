namespace Tanager.Protocol;

/// <summary>The one-time code a finished single sign-on put in the return URL's fragment (<c>#sso_code=…</c>), traded once for a session.</summary>
public sealed record SsoExchangeRequest
{
    public string? Code { get; init; }
}
