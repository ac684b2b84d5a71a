using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using NUlid;
using Tanager.Internal;

namespace Tanager;

/// <summary>
/// Web Push subscriptions: the browsers a person asked to be notified in, and the server's VAPID public key (RFC 8292)
/// that a browser needs to subscribe. The key pair is made by the first node and kept in the store, so every node signs
/// as the same application server and subscriptions outlive restarts.
/// </summary>
public sealed class WebPushService(INotificationStore store, IOptions<TanagerOptions> options, TimeProvider time)
{
    /// <summary>A P-256 public key, uncompressed: 0x04, then X and Y.</summary>
    private const int PublicKeyLength = 65;
    /// <summary>The authentication secret a browser makes (RFC 8291 §3.2).</summary>
    private const int AuthLength = 16;

    private readonly WebPushOptions _options = options.Value.WebPush;
    private VapidKeys? _keys;

    /// <summary>The base64url VAPID public key a browser passes to <c>PushManager.subscribe</c> as its <c>applicationServerKey</c>.</summary>
    public async Task<string> GetPublicKeyAsync(CancellationToken cancellationToken = default)
    {
        EnsureEnabled();
        return (await KeysAsync(cancellationToken)).PublicKey;
    }

    /// <summary>
    /// Saves a browser's subscription for the caller: the push service's <paramref name="endpoint"/> (an https URL of a
    /// public host) and the browser's keys as <c>PushSubscription.toJSON()</c> gives them (base64url). An endpoint
    /// already saved is replaced, so subscribing again from the same browser is harmless.
    /// </summary>
    public async Task<WebPushSubscription> SubscribeAsync(Caller caller, string? endpoint, string? p256dh, string? auth, CancellationToken cancellationToken = default)
    {
        EnsureEnabled();
        EnsurePerson(caller);
        var url = WebhookAddress.Validate(endpoint, _options.AllowPrivateAddresses, httpsOnly: true);
        var publicKey = Decode(p256dh, PublicKeyLength, "keys.p256dh", "a P-256 public key (65 bytes, uncompressed)");
        if (!IsP256Point(publicKey))
        {
            throw TanagerException.Invalid("keys.p256dh must be a point on the P-256 curve.");
        }
        var secret = Decode(auth, AuthLength, "keys.auth", "the 16-byte authentication secret");
        var subscription = new WebPushSubscription(Ulid.NewUlid(), caller.UserId, url, publicKey, secret, time.GetUtcNow());
        return await store.SaveWebPushSubscriptionAsync(subscription, _options.MaxSubscriptionsPerUser, cancellationToken);
    }

    /// <summary>The caller's subscriptions, oldest first.</summary>
    public async Task<IReadOnlyList<WebPushSubscription>> ListAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        EnsureEnabled();
        EnsurePerson(caller);
        return await store.ListWebPushSubscriptionsAsync(caller.UserId, cancellationToken);
    }

    /// <summary>Removes one of the caller's subscriptions; another person's, or one that does not exist, is not found.</summary>
    public async Task UnsubscribeAsync(Caller caller, Ulid subscriptionId, CancellationToken cancellationToken = default)
    {
        EnsureEnabled();
        EnsurePerson(caller);
        if (!await store.DeleteWebPushSubscriptionAsync(caller.UserId, subscriptionId, cancellationToken))
        {
            throw TanagerException.NotFound("Push subscription");
        }
    }

    /// <summary>The VAPID key pair as base64url: the 65-byte public key and the 32-byte private scalar.</summary>
    internal sealed record VapidKeys(string PublicKey, string PrivateKey);

    internal async Task<VapidKeys> KeysAsync(CancellationToken cancellationToken) =>
        _keys ?? ReadKeys((await StateAsync(cancellationToken)).SigningKey);

    /// <summary>The stored key pair (PKCS#8), kept once read: the row never changes.</summary>
    private VapidKeys ReadKeys(byte[] pkcs8)
    {
        using var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(pkcs8, out _);
        var parameters = key.ExportParameters(includePrivateParameters: true);
        byte[] publicKey = [0x04, .. parameters.Q.X!, .. parameters.Q.Y!];
        return _keys = new VapidKeys(Base64Url.EncodeToString(publicKey), Base64Url.EncodeToString(parameters.D));
    }

    /// <summary>The push notifier's shared state; the first call ever starts its cursor at the messages due now, and stores a new key pair (PKCS#8).</summary>
    internal async Task<NotificationState> StateAsync(CancellationToken cancellationToken)
    {
        // A key is made only until the row has been read once (the first read keeps its keys): the notifier reads the state
        // every round, and a key made then would be thrown away.
        using var newKey = _keys is null ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : null;
        var state = await store.GetWebPushStateAsync(EmailNotifier.FirstIdAt(time.GetUtcNow() - _options.Delay), newKey?.ExportPkcs8PrivateKey() ?? [], cancellationToken);
        if (_keys is null)
        {
            ReadKeys(state.SigningKey);
        }
        return state;
    }

    /// <summary>The VAPID subject: the configured one, else the public https URL of the server, else a placeholder.</summary>
    internal string Subject => WebPushSubject.Resolve(_options.Subject, options.Value.Email.PublicBaseUrl);

    private void EnsureEnabled()
    {
        if (!_options.Enabled)
        {
            throw new TanagerException(TanagerErrorKind.NotFound, Protocol.ErrorCodes.NotFound, "Web Push is off on this server.");
        }
    }

    /// <summary>Browsers are people's: a bot token (or a gateway ticket) has none to subscribe.</summary>
    private static void EnsurePerson(Caller caller) =>
        Access.EnsurePerson(caller, "Push subscriptions are people's browsers: use a login session, host identity or an API key.");

    private static byte[] Decode(string? value, int length, string name, string what)
    {
        var bytes = new byte[length + 3];
        if (value is null || value.Length > Base64Url.GetEncodedLength(length) + 2
            || Base64Url.DecodeFromChars(value.TrimEnd('='), bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != length)
        {
            throw TanagerException.Invalid($"{name} must be {what}, base64url-encoded.");
        }
        return bytes[..length];
    }

    private static bool IsP256Point(byte[] key)
    {
        if (key[0] != 0x04)
        {
            return false;
        }
        try
        {
            using var ecdh = ECDiffieHellman.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = key[1..33], Y = key[33..] },
            });
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
