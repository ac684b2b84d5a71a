namespace Tanager;

/// <summary>
/// The tables a workspace export carries, in the order an import writes them (a row's references come before it).
/// Left out on purpose: password hashes, the server-administrator flag, sessions, bot tokens, API keys, TOTP secrets,
/// recovery codes, external logins, invite codes and personal invitations, the audit log, webhook token hashes, slash command secrets,
/// outgoing webhooks (their signing secret stays on the server, and a new one would verify nothing at their receivers) with
/// their delivery queue, and attachment bytes (the file store holds those; see docs/deployment.md).
/// </summary>
public static class WorkspaceArchive
{
    /// <summary>The format written on an export's first line; an import accepts this one only.</summary>
    public const int Format = 1;

    private static ArchiveColumn Id(string name, bool nullable = false) => new(name, ArchiveColumnKind.Id, nullable);
    private static ArchiveColumn Text(string name, bool nullable = false) => new(name, ArchiveColumnKind.Text, nullable);
    private static ArchiveColumn Integer(string name, bool nullable = false) => new(name, ArchiveColumnKind.Integer, nullable);
    private static ArchiveColumn Time(string name, bool nullable = false) => new(name, ArchiveColumnKind.Time, nullable);
    private static ArchiveColumn Json(string name) => new(name, ArchiveColumnKind.Json);

    /// <summary>Users, global: those the workspace refers to. Their email key is derived from the email when written.</summary>
    public static ArchiveTable Users { get; } = new("user", "users", null, ["id"], ["owner_id"],
    [
        Id("id"), Text("email"), Text("display_name"), Json("metadata"), Time("created_at"), Time("updated_at"),
        Text("avatar_url", true), Text("status_text", true), Text("status_emoji", true), Integer("kind"), Id("owner_id", true),
        Text("external_id", true), Time("deactivated_at", true),
    ]);

    public static ArchiveTable Workspaces { get; } = new("workspace", "workspaces", "id", ["id"], ["owner_id"],
        [Id("id"), Text("name"), Id("owner_id"), Json("metadata"), Time("created_at"), Time("updated_at")]);

    public static ArchiveTable Members { get; } = new("workspace_member", "workspace_members", "workspace_id", ["user_id"], ["user_id"],
        [Id("workspace_id"), Id("user_id"), Text("role"), Time("joined_at")]);

    public static ArchiveTable Channels { get; } = new("channel", "channels", "workspace_id", ["id"], ["created_by"],
    [
        Id("workspace_id"), Id("id"), Text("name"), Text("kind"), Text("topic", true), Integer("last_sequence"), Json("metadata"),
        Time("created_at"), Time("updated_at"), Text("description", true), Time("archived_at", true), Time("deleted_at", true),
        Text("overrides"), Text("dm_kind", true), Text("dm_key", true), Id("created_by", true),
    ]);

    public static ArchiveTable ChannelMembers { get; } = new("channel_member", "channel_members", "workspace_id", ["channel_id", "user_id"], ["user_id"],
        [Id("workspace_id"), Id("channel_id"), Id("user_id"), Time("joined_at")]);

    public static ArchiveTable Messages { get; } = new("message", "messages", "workspace_id", ["id"], ["author_id", "pinned_by"],
    [
        Id("workspace_id"), Id("id"), Id("channel_id"), Id("author_id"), Text("content"), Integer("sequence"), Integer("change_sequence"),
        Id("thread_id", true), Json("metadata"), Time("created_at"), Time("edited_at", true), Time("deleted_at", true),
        Text("nonce", true), Time("pinned_at", true), Id("pinned_by", true),
    ]);

    public static ArchiveTable Reactions { get; } = new("reaction", "message_reactions", "workspace_id", ["message_id", "emoji", "user_id"], ["user_id"],
        [Id("workspace_id"), Id("message_id"), Text("emoji"), Id("user_id"), Time("created_at")]);

    public static ArchiveTable ThreadFollows { get; } = new("thread_follow", "thread_follows", "workspace_id", ["user_id", "thread_id"], ["user_id"],
        [Id("workspace_id"), Id("user_id"), Id("thread_id"), Id("channel_id"), new("following", ArchiveColumnKind.Boolean), Time("followed_at")]);

    public static ArchiveTable ReadStates { get; } = new("read_state", "read_states", "workspace_id", ["channel_id", "user_id"], ["user_id"],
        [Id("workspace_id"), Id("channel_id"), Id("user_id"), Integer("last_read_sequence"), Time("updated_at")]);

    /// <summary>Attachments' rows; their bytes stay in the file store under <c>storage_key</c>.</summary>
    public static ArchiveTable Attachments { get; } = new("attachment", "attachments", "workspace_id", ["id"], ["uploader_id"],
    [
        Id("workspace_id"), Id("id"), Id("channel_id"), Id("uploader_id"), Id("message_id", true), Text("file_name"), Text("content_type"),
        Integer("size_bytes"), Text("storage_key"), Time("created_at"), Time("purge_claimed_at", true), Integer("width", true),
        Integer("height", true), Integer("thumbnail_state"), Integer("thumbnail_width", true), Integer("thumbnail_height", true),
        Time("thumbnail_claimed_at", true),
    ]);

    /// <summary>Incoming webhooks without their token hash: an imported hook needs a new URL (delete and create it again).</summary>
    public static ArchiveTable Webhooks { get; } = new("webhook", "incoming_webhooks", "workspace_id", ["id"], ["bot_user_id", "created_by"],
        [Id("id"), Id("workspace_id"), Id("channel_id"), Id("bot_user_id"), Text("name"), Id("created_by"), Time("created_at")]);

    /// <summary>
    /// Slash commands without their secret: an import makes a new one (invocations pending at export time die, and a
    /// command routed to a URL signs with a secret its receiver does not know until it is registered again).
    /// </summary>
    public static ArchiveTable SlashCommands { get; } = new("slash_command", "slash_commands", "workspace_id", ["id"], ["bot_user_id", "created_by"],
        [Id("workspace_id"), Id("id"), Text("name"), Id("bot_user_id", true), Text("description"), Text("usage_hint", true), Id("created_by"), Time("created_at"), Time("updated_at"),
            Text("url", true)]);

    /// <summary>Every table, users first, in the order rows are read and written.</summary>
    public static IReadOnlyList<ArchiveTable> Tables { get; } =
        [Users, Workspaces, Members, Channels, ChannelMembers, Messages, Reactions, ThreadFollows, ReadStates, Attachments, Webhooks, SlashCommands];

    /// <summary>
    /// One table's records in an order its own references allow: people before the bots that name them as owners
    /// (users.owner_id refers to users). Other tables keep their order.
    /// </summary>
    public static IEnumerable<ArchiveRecord> InWriteOrder(IEnumerable<ArchiveRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var owner = Users.IndexOf("owner_id");
        return records.OrderBy(r => r.Table == Users && r.Values[owner] is not null);
    }

    /// <summary>The tables other than <see cref="Users"/>: those scoped to the workspace.</summary>
    public static IReadOnlyList<ArchiveTable> WorkspaceTables { get; } = [.. Tables.Skip(1)];
}
