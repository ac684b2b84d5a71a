namespace Tanager.Protocol;

/// <summary>An identity provider a sign-in page may offer: start at <c>/api/v1/auth/sso/{name}/start</c>.</summary>
public sealed record SsoProviderDto
{
    public required string Name { get; init; }
    public required string DisplayName { get; init; }
}
