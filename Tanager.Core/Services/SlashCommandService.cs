using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using NUlid;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

/// <summary>
/// Slash commands: a bot registers <c>/name</c> in a workspace; a member who may post in a channel invokes it there, and
/// the invocation reaches the bot's own connections (COMMAND_INVOKE). The bot replies with the invocation's id, either
/// to the invoking member alone (EPHEMERAL_MESSAGE, never stored) or as its own message in the channel. A bot registers
/// its own commands with its token (commands:write); a person registers them for a bot they own. A workspace owner or
/// admin may route a command to a URL instead: each invocation is POSTed there, signed, and its answer is the reply.
/// </summary>
public sealed partial class SlashCommandService(
    ISlashCommandStore commands, IUserStore users, IWorkspaceStore workspaces, IChannelStore channels, MessageService messages,
    EventDispatcher events, PresenceTracker presence, AuditLog audit, TimeProvider time)
{
    /// <summary>Slack's and Discord's limit on a command name: long enough to say what it does, short to type.</summary>
    public const int MaxNameLength = 32;
    /// <summary>Discord's limit on a command's description: one line in a completion list.</summary>
    public const int MaxDescriptionLength = 100;
    public const int MaxUsageHintLength = 100;
    /// <summary>A command's arguments: one line typed in the message box, within a message's own limit.</summary>
    public const int MaxArgsLength = 4000;
    /// <summary>Commands one workspace may have: more than its bots need, few enough to list and complete at once.</summary>
    public const int MaxPerWorkspace = 200;
    /// <summary>How long a bot may reply to an invocation: Slack's response_url lives 30 minutes, Discord's token 15.</summary>
    public static readonly TimeSpan InvocationLifetime = TimeSpan.FromMinutes(15);

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,31}$")]
    private static partial Regex NamePattern();

    /// <summary>
    /// The HTTP side of commands routed to a URL: set by AddTanager (<see cref="OutgoingWebhookSender"/>, which owns Core's
    /// one HTTP client and its address checks). Without it, registering or invoking such a command is refused.
    /// </summary>
    internal OutgoingWebhookSender? Endpoints { get; set; }

    /// <summary>
    /// Registers a command, or updates the description and usage hint of one its bot registered before. With
    /// <paramref name="url"/> instead of a bot, a workspace owner or admin registers a command routed to that URL (or
    /// updates its description, usage hint and URL); the secret that signs its requests is in the result when it was
    /// created, and never again.
    /// </summary>
    public async Task<(SlashCommand Command, bool Created, string? Secret)> RegisterAsync(Caller caller, Ulid workspaceId, string? name, string? description, string? usageHint,
        string? botId, string? url, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        Scope.Demand(Scope.CommandsWrite);
        var validName = Name(name);
        var validDescription = Validate.Text(description, "description", MaxDescriptionLength);
        var validUsage = Validate.OptionalText(usageHint, "usage_hint", MaxUsageHintLength);
        if (url is not null && botId is not null)
        {
            throw TanagerException.Invalid("A command is answered by a bot (bot_id) or a URL (url), not both.");
        }
        var member = await Access.WorkspaceMemberAsync(workspaces, workspaceId, caller.UserId, cancellationToken);
        if (member.Role == WorkspaceRole.Guest)
        {
            throw TanagerException.Forbidden("A guest may not register slash commands.");
        }
        if (url is not null)
        {
            return await RegisterUrlAsync(caller, member, workspaceId, validName, validDescription, validUsage, url, cancellationToken);
        }
        var bot = await AnsweringBotAsync(caller, workspaceId, botId, cancellationToken);
        var now = time.UtcNow();
        if (await commands.GetSlashCommandAsync(workspaceId, validName, cancellationToken) is { } existing)
        {
            if (existing.BotUserId != bot.Id)
            {
                throw Taken(validName);
            }
            var updated = existing with { Description = validDescription, UsageHint = validUsage, UpdatedAt = now };
            return await commands.UpdateSlashCommandAsync(updated, cancellationToken) ? (updated, false, null) : throw UnknownCommand(validName);
        }
        await EnsureRoomAsync(workspaceId, cancellationToken);
        var command = new SlashCommand(Ulid.NewUlid(now), workspaceId, validName, bot.Id, validDescription, validUsage, RandomNumberGenerator.GetBytes(32), caller.UserId, now, now);
        // The name's uniqueness is the store's: of two bots registering one name at once, one gets 409.
        return await commands.TryCreateSlashCommandAsync(command, cancellationToken) ? (command, true, null) : throw Taken(validName);
    }

    private async Task<(SlashCommand Command, bool Created, string? Secret)> RegisterUrlAsync(Caller caller, WorkspaceMember member, Ulid workspaceId, string name,
        string description, string? usageHint, string url, CancellationToken cancellationToken)
    {
        if (member.Role is not (WorkspaceRole.Owner or WorkspaceRole.Admin))
        {
            // What members type goes to the URL, with who they are: choosing where is the workspace's managers' call.
            throw TanagerException.Forbidden("Only a workspace owner or admin may route a slash command to a URL.");
        }
        var endpoints = Endpoints ?? throw NoEndpoints();
        // https only (http where private addresses are allowed); a private address is refused here and again after DNS.
        var validUrl = WebhookAddress.Validate(url, endpoints.Options.AllowPrivateAddresses, httpsOnly: true);
        var now = time.UtcNow();
        if (await commands.GetSlashCommandAsync(workspaceId, name, cancellationToken) is { } existing)
        {
            if (existing.Url is null)
            {
                throw Taken(name);
            }
            var updated = existing with { Description = description, UsageHint = usageHint, Url = validUrl, UpdatedAt = now };
            if (!await commands.UpdateSlashCommandAsync(updated, cancellationToken))
            {
                throw UnknownCommand(name);
            }
            if (existing.Url != validUrl)
            {
                await audit.RecordAsync(AuditEventKinds.CommandUrlSet, caller, caller.UserId, $"slash command /{name} in workspace {workspaceId} to {validUrl}", cancellationToken);
            }
            return (updated, false, null);
        }
        await EnsureRoomAsync(workspaceId, cancellationToken);
        // Shaped as a subscription's secret (the receiver checks both the same way); it signs invocation ids too.
        var secret = EventSubscriptionService.SecretPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var command = new SlashCommand(Ulid.NewUlid(now), workspaceId, name, null, description, usageHint, Encoding.UTF8.GetBytes(secret), caller.UserId, now, now) { Url = validUrl };
        if (!await commands.TryCreateSlashCommandAsync(command, cancellationToken))
        {
            throw Taken(name);
        }
        // Where members' typed text goes is recorded, as a subscription's URL is; the secret never is.
        await audit.RecordAsync(AuditEventKinds.CommandUrlSet, caller, caller.UserId, $"slash command /{name} in workspace {workspaceId} to {validUrl}", cancellationToken);
        return (command, true, secret);
    }

    private async Task EnsureRoomAsync(Ulid workspaceId, CancellationToken cancellationToken)
    {
        if ((await commands.ListSlashCommandsAsync(workspaceId, cancellationToken)).Count >= MaxPerWorkspace)
        {
            throw TanagerException.Conflict(ErrorCodes.Conflict, $"A workspace has at most {MaxPerWorkspace} slash commands: delete one first.");
        }
    }

    /// <summary>The workspace's commands, by name: for any member (completions list them).</summary>
    public async Task<IReadOnlyList<SlashCommand>> ListAsync(Caller caller, Ulid workspaceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        Scope.Demand(Scope.CommandsWrite);
        await Access.WorkspaceMemberAsync(workspaces, workspaceId, caller.UserId, cancellationToken);
        return await commands.ListSlashCommandsAsync(workspaceId, cancellationToken);
    }

    /// <summary>Deletes a command: by its bot, the bot's owner, or a workspace owner or admin. Its pending invocations die with it.</summary>
    public async Task DeleteAsync(Caller caller, Ulid workspaceId, string? name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        Scope.Demand(Scope.CommandsWrite);
        var validName = Name(name);
        var member = await Access.WorkspaceMemberAsync(workspaces, workspaceId, caller.UserId, cancellationToken);
        var command = await commands.GetSlashCommandAsync(workspaceId, validName, cancellationToken) ?? throw UnknownCommand(validName);
        if (command.BotUserId != caller.UserId && member.Role is not (WorkspaceRole.Owner or WorkspaceRole.Admin)
            && (command.BotUserId is not { } botId || (await users.GetAsync(botId, cancellationToken))?.OwnerId != caller.UserId))
        {
            throw TanagerException.Forbidden("Only the command's bot, the bot's owner or a workspace owner or admin may delete it (a URL's command: an owner or admin).");
        }
        if (!await commands.DeleteSlashCommandAsync(workspaceId, validName, cancellationToken))
        {
            throw UnknownCommand(validName);
        }
        if (command.Url is not null)
        {
            await audit.RecordAsync(AuditEventKinds.CommandUrlDeleted, caller, command.CreatedBy, $"slash command /{validName} in workspace {workspaceId} to {command.Url}", cancellationToken);
        }
    }

    private async Task<User> AnsweringBotAsync(Caller caller, Ulid workspaceId, string? botId, CancellationToken cancellationToken)
    {
        if (botId is null)
        {
            return caller.User.IsBot ? caller.User
                : throw TanagerException.Invalid("bot_id must name the bot that answers the command: a person registers commands for a bot they own.");
        }
        if (!Ulid.TryParse(botId, out var id) || await users.GetAsync(id, cancellationToken) is not { IsBot: true, DeactivatedAt: null } bot
            || (bot.Id != caller.UserId && bot.OwnerId != caller.UserId)
            || await workspaces.GetMemberAsync(workspaceId, bot.Id, cancellationToken) is null)
        {
            throw TanagerException.NotFound("Bot");
        }
        return bot;
    }

    private static string Name(string? name) => name is not null && NamePattern().IsMatch(name) ? name
        : throw TanagerException.Invalid($"A command name is 1 to {MaxNameLength} characters of a-z, 0-9, '-' and '_', starting with a letter or digit (without the slash).");

    private static TanagerException Taken(string name) =>
        TanagerException.Conflict(ErrorCodes.CommandTaken, $"Another bot or a URL answers /{name} in this workspace: choose another name, or have it deleted first.");

    private static TanagerException UnknownCommand(string name) =>
        new(TanagerErrorKind.NotFound, ErrorCodes.UnknownCommand, $"No command /{name} in this workspace.");
}
