using NUlid;

namespace Tanager;

/// <summary>A direct or group message channel with the users who are in it, in id order.</summary>
public sealed record DirectMessage(Channel Channel, IReadOnlyList<Ulid> Participants);
