using NUlid;

namespace Tanager;

/// <summary>A channel. <see cref="LastSequence"/> is the number of the channel's latest change: its sequence is gapless and starts at 1.</summary>
public sealed record Channel(
    Ulid WorkspaceId,
    Ulid Id,
    string Name,
    ChannelKind Kind,
    string? Topic,
    long LastSequence,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>Per-role changes to the workspace role's permissions in this channel; empty for most channels.</summary>
    public IReadOnlyList<ChannelOverride> Overrides { get; init; } = [];

    /// <summary>A longer text about the channel than its topic; null when none.</summary>
    public string? Description { get; init; }

    /// <summary>When the channel was archived: still readable, but nobody posts or joins; null when active.</summary>
    public DateTimeOffset? ArchivedAt { get; init; }

    public bool IsArchived => ArchivedAt is not null;

    /// <summary>
    /// The member who created the channel, who may manage it as an admin would (<see cref="Permissions.CanManageChannel"/>);
    /// null for direct messages and for channels made before creators were recorded.
    /// </summary>
    public Ulid? CreatedBy { get; init; }

    /// <summary>
    /// For a <see cref="ChannelKind.Direct"/> channel, the pair's key (<see cref="DirectMessageKeyOf"/>), unique in the
    /// workspace so that a pair has exactly one; null for every other channel (group DMs are not reused).
    /// </summary>
    public string? DirectMessageKey { get; init; }

    /// <summary>A direct or group message: no name, no join, no settings, seen only by its participants.</summary>
    public bool IsDirectMessage => Kind is ChannelKind.Direct or ChannelKind.Group;

    /// <summary>The key of the direct message between two users: both ids in order, so either side computes the same.</summary>
    public static string DirectMessageKeyOf(Ulid first, Ulid second) =>
        first.CompareTo(second) < 0 ? $"{first}:{second}" : $"{second}:{first}";
}
