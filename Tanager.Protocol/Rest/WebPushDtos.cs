namespace Tanager.Protocol;

/// <summary>The server's VAPID public key (GET /notifications/web-push): a browser's <c>applicationServerKey</c>.</summary>
public sealed record WebPushKeyDto
{
    /// <summary>The P-256 public key, uncompressed, base64url-encoded.</summary>
    public required string PublicKey { get; init; }
}

/// <summary>
/// A browser's push subscription (POST /users/me/web-push-subscriptions): what <c>PushSubscription.toJSON()</c> gives,
/// its <c>endpoint</c> and <c>keys</c>.
/// </summary>
public sealed record WebPushSubscribeRequest
{
    /// <summary>The push service's https URL for this browser.</summary>
    public string? Endpoint { get; init; }
    public WebPushKeysDto? Keys { get; init; }
}

/// <summary>The browser's keys for encrypting to it (RFC 8291), base64url-encoded.</summary>
public sealed record WebPushKeysDto
{
    /// <summary>Its P-256 public key (65 bytes, uncompressed).</summary>
    public string? P256dh { get; init; }
    /// <summary>The authentication secret (16 bytes).</summary>
    public string? Auth { get; init; }
}

/// <summary>One of the caller's push subscriptions; its keys are never shown again.</summary>
public sealed record WebPushSubscriptionDto
{
    public required string Id { get; init; }
    public required string Endpoint { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}
