using System.Net;
using System.Text.RegularExpressions;

namespace Tanager.Internal;

/// <summary>Start-up checks of <c>Tanager:Sso</c>: a provider that cannot work, or would work insecurely, stops the server.</summary>
internal static partial class SingleSignOnValidation
{
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    public static void Validate(SingleSignOnOptions sso, List<string> failures)
    {
        if (sso.CodeLifetime < TimeSpan.FromSeconds(5) || sso.CodeLifetime > TimeSpan.FromMinutes(10))
        {
            failures.Add("Tanager:Sso:CodeLifetime must be between 5 seconds and 10 minutes.");
        }
        if (sso.LinkTicketLifetime < TimeSpan.FromSeconds(5) || sso.LinkTicketLifetime > TimeSpan.FromMinutes(30))
        {
            failures.Add("Tanager:Sso:LinkTicketLifetime must be between 5 seconds and 30 minutes.");
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < sso.Providers.Count; i++)
        {
            var provider = sso.Providers[i];
            var at = $"Tanager:Sso:Providers:{i}";
            if (provider is null)
            {
                failures.Add($"{at} is empty.");
                continue;
            }
            if (provider.Name is null || !NamePattern().IsMatch(provider.Name))
            {
                failures.Add($"{at}:Name must be 1 to 32 characters of a-z, 0-9 and '-', starting with a letter or digit.");
            }
            else if (!names.Add(provider.Name))
            {
                failures.Add($"{at}:Name '{provider.Name}' is used by another provider.");
            }
            if (!Enum.IsDefined(provider.Kind))
            {
                failures.Add($"{at}:Kind must be Oidc, Google, GitLab or GitHub.");
            }
            if (string.IsNullOrWhiteSpace(provider.ClientId))
            {
                failures.Add($"{at}:ClientId is required.");
            }
            // Every preset is a confidential client: Tanager is a server, and Google, GitLab and GitHub all expect a secret.
            if (string.IsNullOrWhiteSpace(provider.ClientSecret))
            {
                failures.Add($"{at}:ClientSecret is required.");
            }
            if (provider.Kind == SsoProviderKind.Oidc && string.IsNullOrWhiteSpace(provider.Issuer))
            {
                failures.Add($"{at}:Issuer is required for a generic OpenID Connect provider.");
            }
            if ((provider.Kind is SsoProviderKind.Oidc or SsoProviderKind.GitLab) && !string.IsNullOrWhiteSpace(provider.Issuer) && !IsSecureUrl(provider.Issuer))
            {
                failures.Add($"{at}:Issuer must be an https URL (http only on a loopback address).");
            }
            if (provider.Scopes.Any(s => string.IsNullOrWhiteSpace(s) || s.Any(char.IsWhiteSpace)))
            {
                failures.Add($"{at}:Scopes must be single words.");
            }
        }
    }

    /// <summary>HTTPS, or plain HTTP to this machine (a provider under test or next to the server); the discovery document and keys must not travel in the clear.</summary>
    public static bool IsSecureUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Query.Length == 0 && uri.Fragment.Length == 0
        && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && IsLoopback(uri)));

    public static bool IsLoopback(Uri uri) => uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
