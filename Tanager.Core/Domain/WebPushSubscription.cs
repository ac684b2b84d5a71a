using NUlid;

namespace Tanager;

/// <summary>
/// One browser's Web Push subscription (RFC 8030): where its push service takes messages for it
/// (<paramref name="Endpoint"/>), and the keys the browser made for encrypting to it (RFC 8291): its P-256 public key
/// (<paramref name="P256dh"/>, 65 bytes uncompressed) and the shared authentication secret (<paramref name="Auth"/>, 16 bytes).
/// </summary>
public sealed record WebPushSubscription(Ulid Id, Ulid UserId, string Endpoint, byte[] P256dh, byte[] Auth, DateTimeOffset CreatedAt);
