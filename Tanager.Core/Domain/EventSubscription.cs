using NUlid;

namespace Tanager;

/// <summary>
/// An outgoing webhook: events of a workspace POSTed to <see cref="Url"/>, signed with <see cref="Secret"/>.
/// <see cref="OwnerId"/> is whose view decides what it receives (a bot for itself, or the admin who made it):
/// with no <see cref="ChannelIds"/>, channel events of every channel the owner can see.
/// </summary>
public sealed record EventSubscription(Ulid Id, Ulid WorkspaceId, Ulid OwnerId, string Url, IReadOnlyList<string> Events, IReadOnlyList<Ulid> ChannelIds,
    byte[] Secret, Ulid CreatedBy, DateTimeOffset CreatedAt);
