using Tanager.Protocol;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using NUlid;
using Tanager.Internal;

namespace Tanager;

/// <summary>
/// Each person's notification preferences (email level, muted channels) and the unsubscribe links in notification
/// emails. An unsubscribe token is the user's id and an HMAC-SHA256 of it under a key the store keeps (made once by the
/// first node, the same on every node and after restarts); it sets the email level to none and does nothing else.
/// </summary>
public sealed class NotificationService(INotificationStore store, IUserStore users, IOptions<TanagerOptions> options, TimeProvider time)
{
    /// <summary>Muted channels one person may have: more than anyone follows, few enough for one row.</summary>
    public const int MaxMutedChannels = 1000;

    private const int MacLength = 32;
    private static readonly byte[] UnsubscribePurpose = Encoding.ASCII.GetBytes("tanager-unsubscribe-v1");
    private byte[]? _signingKey;

    /// <summary>The caller's preferences; the defaults (mentions and direct messages, nothing muted) when never saved.</summary>
    public async Task<NotificationPreferences> GetPreferencesAsync(Ulid callerId, CancellationToken cancellationToken = default) =>
        await store.GetNotificationPreferencesAsync(callerId, cancellationToken) ?? NotificationPreferences.Default(callerId);

    /// <summary>
    /// Replaces the caller's preferences. <paramref name="email"/> is all, mentions or none; omitted fields keep their
    /// value. <paramref name="quietHours"/> sets the quiet hours; with neither start, end nor zone it removes them.
    /// </summary>
    public async Task<NotificationPreferences> SetPreferencesAsync(Ulid callerId, string? email, IReadOnlyList<string?>? mutedChannels, QuietHoursDto? quietHours, CancellationToken cancellationToken = default)
    {
        var current = await GetPreferencesAsync(callerId, cancellationToken);
        var level = email is null ? current.Email : ParseLevel(email);
        IReadOnlyList<Ulid> muted = current.MutedChannels;
        if (mutedChannels is not null)
        {
            if (mutedChannels.Count > MaxMutedChannels)
            {
                throw TanagerException.Invalid($"muted_channels has at most {MaxMutedChannels} channel ids.");
            }
            muted = [.. mutedChannels.Select(id => Ulid.TryParse(id, out var channelId) ? channelId : throw TanagerException.Invalid("muted_channels must be channel ids.")).Distinct().Order()];
        }
        var quiet = quietHours is null ? current.QuietHours : ParseQuietHours(quietHours);
        var preferences = new NotificationPreferences(callerId, level, muted, quiet);
        await store.SetNotificationPreferencesAsync(preferences, cancellationToken);
        return preferences;
    }

    /// <summary>A window from the request, or null for an empty one (which removes it); anything half-given or invalid is refused.</summary>
    private static QuietHours? ParseQuietHours(QuietHoursDto given)
    {
        if (given is { Start: null, End: null, TimeZone: null })
        {
            return null;
        }
        static TimeOnly Time(string? value, string name) =>
            value is { Length: 5 } && QuietHours.TryParseTime(value, out var time)
                ? time
                : throw TanagerException.Invalid($"quiet_hours.{name} must be a time of day as HH:mm (24-hour).");
        var start = Time(given.Start, "start");
        var end = Time(given.End, "end");
        if (start == end)
        {
            throw TanagerException.Invalid("quiet_hours.start and quiet_hours.end must differ.");
        }
        // An IANA id (Europe/Berlin), as the server's time-zone data knows it; nothing longer than any real one.
        if (given.TimeZone is not { Length: > 0 and <= 64 } zone || zone.Any(char.IsWhiteSpace) || !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
        {
            throw TanagerException.Invalid("quiet_hours.time_zone must be an IANA time zone such as Europe/Berlin or UTC.");
        }
        return new QuietHours(start, end, zone);
    }

    /// <summary>Sets the email level of the token's user to none. A token that was not made here is refused as not found.</summary>
    public async Task UnsubscribeAsync(string? token, CancellationToken cancellationToken = default)
    {
        var userId = await VerifyAsync(token, cancellationToken) ?? throw TanagerException.NotFound("Unsubscribe link");
        if (await users.GetAsync(userId, cancellationToken) is null)
        {
            throw TanagerException.NotFound("Unsubscribe link");
        }
        var current = await GetPreferencesAsync(userId, cancellationToken);
        await store.SetNotificationPreferencesAsync(current with { Email = EmailNotificationLevel.None }, cancellationToken);
    }

    /// <summary>Whether <paramref name="token"/> is a valid unsubscribe token (for the confirmation page).</summary>
    public async Task<bool> IsValidUnsubscribeTokenAsync(string? token, CancellationToken cancellationToken = default) =>
        await VerifyAsync(token, cancellationToken) is not null;

    /// <summary>The unsubscribe token of <paramref name="userId"/>: base64url of the id's 16 bytes and their HMAC.</summary>
    internal async Task<string> UnsubscribeTokenAsync(Ulid userId, CancellationToken cancellationToken)
    {
        var id = userId.ToByteArray();
        var token = new byte[id.Length + MacLength];
        id.CopyTo(token, 0);
        Mac(await SigningKeyAsync(cancellationToken), id).CopyTo(token, id.Length);
        return Base64Url.EncodeToString(token);
    }

    public static string LevelName(EmailNotificationLevel level) => level.ToString().ToLowerInvariant();

    private static EmailNotificationLevel ParseLevel(string email) => email switch
    {
        "all" => EmailNotificationLevel.All,
        "mentions" => EmailNotificationLevel.Mentions,
        "none" => EmailNotificationLevel.None,
        _ => throw TanagerException.Invalid("email must be all, mentions or none."),
    };

    private async Task<Ulid?> VerifyAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100)
        {
            return null;
        }
        var bytes = new byte[Base64Url.GetMaxDecodedLength(token.Length)];
        if (Base64Url.DecodeFromChars(token, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != 16 + MacLength)
        {
            return null;
        }
        var id = bytes.AsSpan(0, 16).ToArray();
        var expected = Mac(await SigningKeyAsync(cancellationToken), id);
        return CryptographicOperations.FixedTimeEquals(expected, bytes.AsSpan(16, MacLength)) ? new Ulid(id) : null;
    }

    private static byte[] Mac(byte[] key, byte[] userId)
    {
        var data = new byte[UnsubscribePurpose.Length + userId.Length];
        UnsubscribePurpose.CopyTo(data, 0);
        userId.CopyTo(data, UnsubscribePurpose.Length);
        return HMACSHA256.HashData(key, data);
    }

    private async Task<byte[]> SigningKeyAsync(CancellationToken cancellationToken) =>
        _signingKey ??= (await StateAsync(cancellationToken)).SigningKey;

    /// <summary>The notifier's shared state; the first call ever starts its cursor at the messages due now, not at the server's whole history.</summary>
    internal async Task<NotificationState> StateAsync(CancellationToken cancellationToken) =>
        await store.GetNotificationStateAsync(EmailNotifier.FirstIdAt(time.GetUtcNow() - options.Value.Email.Delay), RandomNumberGenerator.GetBytes(32), cancellationToken);
}
