using Tanager.Protocol;

namespace Tanager.Client;

/// <summary>Signing in through the server's identity providers (single sign-on), as a sign-in page does.</summary>
public sealed partial class TanagerClient
{
    /// <summary>
    /// The identity providers the server offers, for sign-in buttons. A browser starts a sign-in by going to
    /// <c>api/v1/auth/sso/{name}/start?return_to=…</c>; it comes back to <c>return_to</c> with <c>#sso_code=…</c>,
    /// which <see cref="ExchangeSsoCodeAsync"/> trades for a session.
    /// </summary>
    public static async Task<IReadOnlyList<SsoProviderDto>> ListSsoProvidersAsync(Uri serverUrl, CancellationToken cancellationToken = default)
    {
        await using var client = new TanagerClient(serverUrl);
        return await client.GetAsync("auth/sso/providers", TanagerJsonContext.Default.IReadOnlyListSsoProviderDto, cancellationToken);
    }

    /// <summary>
    /// Trades the one-time code of a finished single sign-on for a session. For an account with two-factor sign-in this
    /// throws <see cref="TanagerTwoFactorRequiredException"/>, as <see cref="LoginAsync(Uri, string, string, CancellationToken)"/> does.
    /// </summary>
    public static Task<TanagerClient> ExchangeSsoCodeAsync(Uri serverUrl, string code, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        return SignInAsync(serverUrl, "auth/sso/exchange", new SsoExchangeRequest { Code = code }, TanagerJsonContext.Default.SsoExchangeRequest, cancellationToken);
    }
}
