using System.Linq.Expressions;
using LinqToDB;
using LinqToDB.Mapping;
using NUlid;

namespace Tanager.Storage.Relational.Internal;

/// <summary>
/// A message as the shared layer reads and changes it. Messages are written by each store's group-commit append; the
/// full-text index (SQLite's FTS5 table, PostgreSQL's tsvector column) is each store's own and not mapped here.
/// </summary>
[Table("messages")]
internal sealed class MessageRow
{
    [PrimaryKey(0), Column("workspace_id")] public Ulid WorkspaceId { get; set; }
    [PrimaryKey(1), Column("id")] public Ulid Id { get; set; }
    [Column("channel_id")] public Ulid ChannelId { get; set; }
    [Column("author_id")] public Ulid AuthorId { get; set; }
    [Column("content"), NotNull] public string Content { get; set; } = "";
    [Column("sequence")] public long Sequence { get; set; }
    [Column("change_sequence")] public long ChangeSequence { get; set; }
    [Column("thread_id")] public Ulid? ThreadId { get; set; }
    [Column("created_at")] public DateTimeOffset CreatedAt { get; set; }
    [Column("edited_at")] public DateTimeOffset? EditedAt { get; set; }
    [Column("deleted_at")] public DateTimeOffset? DeletedAt { get; set; }
    [Column("nonce")] public string? Nonce { get; set; }
    [Column("pinned_at")] public DateTimeOffset? PinnedAt { get; set; }
    [Column("pinned_by")] public Ulid? PinnedBy { get; set; }

    public Message ToDomain() =>
        new(WorkspaceId, ChannelId, Id, AuthorId, Content, Sequence, ChangeSequence, ThreadId, CreatedAt, EditedAt, DeletedAt, Nonce) { PinnedAt = PinnedAt, PinnedBy = PinnedBy };
}

[Table("message_reactions")]
internal sealed class MessageReactionRow
{
    [PrimaryKey(0), Column("workspace_id")] public Ulid WorkspaceId { get; set; }
    [PrimaryKey(1), Column("message_id")] public Ulid MessageId { get; set; }
    [PrimaryKey(2), Column("emoji"), NotNull] public string Emoji { get; set; } = "";
    [PrimaryKey(3), Column("user_id")] public Ulid UserId { get; set; }
    [Column("created_at")] public DateTimeOffset CreatedAt { get; set; }
}

[Table("thread_follows")]
internal sealed class ThreadFollowRow
{
    [PrimaryKey(0), Column("workspace_id")] public Ulid WorkspaceId { get; set; }
    [PrimaryKey(1), Column("user_id")] public Ulid UserId { get; set; }
    [PrimaryKey(2), Column("thread_id")] public Ulid ThreadId { get; set; }
    [Column("channel_id")] public Ulid ChannelId { get; set; }
    [Column("following")] public bool Following { get; set; }
    [Column("followed_at")] public DateTimeOffset FollowedAt { get; set; }
}

/// <summary>SQL the two dialects spell differently, for use inside shared queries.</summary>
internal static class SqlText
{
    /// <summary>
    /// Whether <paramref name="text"/> holds <paramref name="part"/> exactly (case and all): <c>instr</c> in SQLite,
    /// <c>strpos</c> in PostgreSQL. LINQ's <c>Contains</c> would become <c>LIKE</c>, which SQLite compares without case.
    /// </summary>
    [Sql.Expression(ProviderName.SQLite, "instr({0}, {1}) > 0", IsPredicate = true, ServerSideOnly = true)]
    [Sql.Expression(ProviderName.PostgreSQL, "strpos({0}, {1}) > 0", IsPredicate = true, ServerSideOnly = true)]
    public static bool Holds(string text, string part) => throw new InvalidOperationException("Only inside a query.");

    /// <summary>Whether <paramref name="content"/> mentions the user whose token (<see cref="Tanager.Mentions.Of"/>) is given, or everyone (@channel, @here).</summary>
    [ExpressionMethod(nameof(MentionsExpression))]
    public static bool Mentions(string content, string token) => throw new InvalidOperationException("Only inside a query.");

    private static Expression<Func<string, string, bool>> MentionsExpression() =>
        (content, token) => Holds(content, token) || Holds(content, Tanager.Mentions.Channel) || Holds(content, Tanager.Mentions.Here);
}
