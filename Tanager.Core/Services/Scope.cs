using Tanager.Protocol;

namespace Tanager;

/// <summary>
/// What a bot token may do. A token's scopes are checked by the Core service methods themselves, next to the role
/// permissions, so a call succeeds only when both the scopes and the role allow it.
/// </summary>
public static class Scope
{
    /// <summary>Read channels' messages, threads, pins, search and mentions; receive events on the gateway.</summary>
    public const string MessagesRead = "messages:read";
    /// <summary>Post, edit and delete messages; pin, follow threads, mark read, send typing.</summary>
    public const string MessagesWrite = "messages:write";
    public const string ReactionsWrite = "reactions:write";
    /// <summary>List and see channels, DMs and channel members.</summary>
    public const string ChannelsRead = "channels:read";
    /// <summary>Create, join, leave, rename, archive and delete channels; add and kick channel members; open DMs.</summary>
    public const string ChannelsManage = "channels:manage";
    /// <summary>See workspaces, their members and profiles.</summary>
    public const string MembersRead = "members:read";
    /// <summary>Invite, add, change and remove workspace members; manage invite links.</summary>
    public const string MembersManage = "members:manage";
    /// <summary>Create, rename, leave and transfer workspaces; accept invitations.</summary>
    public const string WorkspacesManage = "workspaces:manage";
    /// <summary>Upload files (the files API).</summary>
    public const string FilesWrite = "files:write";
    /// <summary>Register, list and delete the bot's slash commands, and reply to their invocations.</summary>
    public const string CommandsWrite = "commands:write";
    /// <summary>Create, list and delete the bot's outgoing webhooks (event subscriptions), and read and replay their dead letters.</summary>
    public const string SubscriptionsWrite = "subscriptions:write";

    /// <summary>Every scope, in the order documented.</summary>
    public static IReadOnlyList<string> All { get; } =
        [MessagesRead, MessagesWrite, ReactionsWrite, ChannelsRead, ChannelsManage, MembersRead, MembersManage, WorkspacesManage, FilesWrite, CommandsWrite, SubscriptionsWrite];

    private static readonly AsyncLocal<IReadOnlySet<string>?> s_granted = new();

    /// <summary>
    /// Limits the Core calls that follow in this asynchronous flow (a request, a gateway op) to <paramref name="granted"/>;
    /// null lifts the limit. The transports call it once per request with the caller's <see cref="Caller.Scopes"/>.
    /// </summary>
    public static void Limit(IReadOnlySet<string>? granted) => s_granted.Value = granted;

    /// <summary>Refuses the call with 403 <c>missing_scope</c> when the flow's credential lacks <paramref name="scope"/>.</summary>
    internal static void Demand(string scope)
    {
        if (s_granted.Value is { } granted && !granted.Contains(scope))
        {
            throw Missing(scope);
        }
    }

    internal static bool IsGranted(IReadOnlySet<string>? granted, string scope) => granted is null || granted.Contains(scope);

    internal static TanagerException Missing(string scope)
    {
        var exception = new TanagerException(TanagerErrorKind.Forbidden, ErrorCodes.MissingScope, $"The token lacks the scope '{scope}' this request needs.");
        exception.Data["scope"] = scope;
        return exception;
    }

    /// <summary>The scopes a new token asks for, checked and de-duplicated; every scope when none are named.</summary>
    internal static IReadOnlyList<string> Parse(IReadOnlyList<string>? requested)
    {
        if (requested is null)
        {
            return All;
        }
        if (requested.Count == 0)
        {
            throw TanagerException.Invalid("scopes must name at least one scope, or be omitted for every scope.");
        }
        foreach (var scope in requested)
        {
            if (!All.Contains(scope))
            {
                throw TanagerException.Invalid($"Unknown scope '{scope}'. Scopes are: {string.Join(", ", All)}.");
            }
        }
        return [.. All.Where(requested.Contains)];
    }
}
