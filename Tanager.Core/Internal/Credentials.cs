using System.Security.Cryptography;
using System.Text;
using NUlid;

namespace Tanager.Internal;

/// <summary>
/// Making and recognising secrets: 256 random bits behind a prefix that says what the secret is (and lets a secret
/// scanner spot it), stored only as its SHA-256.
/// </summary>
internal static class Credentials
{
    public const string LoginPrefix = "tgr_";
    public const string BotTokenPrefix = "tgb_";
    public const string TicketPrefix = "tgt_";
    public const string ApiKeyPrefix = "tgk_";
    public const string SsoCodePrefix = "tgs_";
    public const string SsoLinkPrefix = "tgl_";
    public const string ChallengePrefix = "tgc_";
    /// <summary>An incoming webhook's token, the last segment of its URL.</summary>
    public const string WebhookPrefix = "tgw_";
    private const int SecretBytes = 32;

    /// <summary>
    /// The kind a bearer token's prefix names, or null for anything else: API keys are not stored as sessions, and a
    /// two-factor challenge is never a bearer token (only <see cref="AccountService.CompleteTwoFactorLoginAsync"/> reads it).
    /// </summary>
    public static CredentialKind? KindOf(string token) =>
        token.StartsWith(LoginPrefix, StringComparison.Ordinal) ? CredentialKind.Login
        : token.StartsWith(BotTokenPrefix, StringComparison.Ordinal) ? CredentialKind.BotToken
        : token.StartsWith(TicketPrefix, StringComparison.Ordinal) ? CredentialKind.GatewayTicket
        : null;

    /// <summary>Stores a new credential and returns it with its token, which exists nowhere else from now on.</summary>
    public static async Task<(UserSession Session, string Token)> IssueAsync(
        this IUserStore users, TimeProvider time, Ulid userId, CredentialKind kind, TimeSpan lifetime, IReadOnlyList<string>? scopes = null,
        string? name = null, Ulid? parentId = null, ClientInfo? client = null, CancellationToken cancellationToken = default)
    {
        var token = NewSecret(kind switch
        {
            CredentialKind.Login => LoginPrefix,
            CredentialKind.BotToken => BotTokenPrefix,
            CredentialKind.GatewayTicket => TicketPrefix,
            CredentialKind.SsoCode => SsoCodePrefix,
            CredentialKind.SsoLinkTicket => SsoLinkPrefix,
            CredentialKind.TwoFactorChallenge => ChallengePrefix,
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        });
        var now = time.UtcNow();
        var session = new UserSession(Ulid.NewUlid(now), Hash(token), userId, kind, now, now + lifetime)
        {
            Scopes = scopes,
            Name = name,
            ParentId = parentId,
            UserAgent = client?.TrimmedUserAgent,
            IpAddress = client?.IpAddress,
        };
        await users.CreateSessionAsync(session, cancellationToken);
        return (session, token);
    }

    public static string NewSecret(string prefix) => prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(SecretBytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
