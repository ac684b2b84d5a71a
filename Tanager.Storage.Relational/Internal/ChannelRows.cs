using LinqToDB.Mapping;
using NUlid;

namespace Tanager.Storage.Relational.Internal;

/// <summary>
/// A channel. A direct or group message's kind column says 'private' (the column's CHECK predates them) and its dm_kind
/// says which it is (0007_direct_messages.sql). A deleted channel's row stays, for its messages, with deleted_at set.
/// </summary>
[Table("channels")]
internal sealed class ChannelRow
{
    [PrimaryKey(0), Column("workspace_id")] public Ulid WorkspaceId { get; set; }
    [PrimaryKey(1), Column("id")] public Ulid Id { get; set; }
    [Column("name"), NotNull] public string Name { get; set; } = "";
    [Column("kind"), NotNull] public string Kind { get; set; } = "";
    [Column("topic")] public string? Topic { get; set; }
    [Column("last_sequence")] public long LastSequence { get; set; }
    [Column("created_at")] public DateTimeOffset CreatedAt { get; set; }
    [Column("updated_at")] public DateTimeOffset UpdatedAt { get; set; }
    [Column("description")] public string? Description { get; set; }
    [Column("archived_at")] public DateTimeOffset? ArchivedAt { get; set; }
    /// <summary><see cref="ChannelOverrideFormat"/>'s text.</summary>
    [Column("overrides"), NotNull] public string Overrides { get; set; } = "[]";
    [Column("dm_kind")] public string? DirectMessageKind { get; set; }
    [Column("dm_key")] public string? DirectMessageKey { get; set; }
    [Column("created_by")] public Ulid? CreatedBy { get; set; }
    [Column("deleted_at")] public DateTimeOffset? DeletedAt { get; set; }

    public static ChannelRow From(Channel channel) => new()
    {
        WorkspaceId = channel.WorkspaceId, Id = channel.Id, Name = channel.Name,
        Kind = channel.IsDirectMessage ? ChannelKind.Private.ToWire() : channel.Kind.ToWire(),
        DirectMessageKind = channel.IsDirectMessage ? channel.Kind.ToWire() : null,
        Topic = channel.Topic, LastSequence = channel.LastSequence, CreatedAt = channel.CreatedAt, UpdatedAt = channel.UpdatedAt,
        Description = channel.Description, ArchivedAt = channel.ArchivedAt, Overrides = ChannelOverrideFormat.Write(channel.Overrides),
        DirectMessageKey = channel.DirectMessageKey, CreatedBy = channel.CreatedBy,
    };

    public Channel ToDomain() =>
        new(WorkspaceId, Id, Name, DtoMapping.ParseChannelKind(DirectMessageKind ?? Kind), Topic, LastSequence, CreatedAt, UpdatedAt)
        {
            Description = Description, ArchivedAt = ArchivedAt, Overrides = ChannelOverrideFormat.Read(Overrides), DirectMessageKey = DirectMessageKey,
            CreatedBy = CreatedBy,
        };
}

[Table("channel_members")]
internal sealed class ChannelMemberRow
{
    [PrimaryKey(0), Column("workspace_id")] public Ulid WorkspaceId { get; set; }
    [PrimaryKey(1), Column("channel_id")] public Ulid ChannelId { get; set; }
    [PrimaryKey(2), Column("user_id")] public Ulid UserId { get; set; }
    [Column("joined_at")] public DateTimeOffset JoinedAt { get; set; }

    public static ChannelMemberRow From(ChannelMember member) =>
        new() { WorkspaceId = member.WorkspaceId, ChannelId = member.ChannelId, UserId = member.UserId, JoinedAt = member.JoinedAt };

    public ChannelMember ToDomain() => new(WorkspaceId, ChannelId, UserId, JoinedAt);
}
