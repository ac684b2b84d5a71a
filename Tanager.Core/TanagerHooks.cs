using Microsoft.Extensions.Logging;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

/// <summary>
/// The embedding app's own code inside Tanager, added with <see cref="TanagerBuilder.AddHooks"/>: checks that may refuse
/// or rewrite a message before it is stored (moderation), and handlers that run after a change is committed.
/// </summary>
/// <remarks>
/// <para><b>Before a message</b> (<see cref="BeforeMessage"/>): runs for every new message and every edit, whatever sent
/// it (REST, the SDK, an incoming webhook, a slash command's reply), on the node that handles the request, after
/// Tanager's own checks (the author may post there) and before anything is stored, in the order the hooks were added.
/// A hook may change <see cref="MessageDraft.Content"/> (checked again as any content is) or call
/// <see cref="MessageDraft.Reject"/>: the request is then refused with <c>403 message_rejected</c> and the reason, and
/// nothing is stored. A hook that throws fails the request and nothing is stored.</para>
/// <para><b>After a change</b> (<see cref="OnMessagePosted"/>, <see cref="OnMemberJoined"/>,
/// <see cref="OnChannelMemberJoined"/>): run once per change, on the node where it happened, after it is committed and
/// announced, in the order changes of one channel were committed, and before the request that made it is answered:
/// keep them short and hand long work to a queue of the app's own. A handler's exception is logged (event 1970) and
/// changes nothing: the change stands. They are not durable: a node that stops between the commit and the handler
/// skips it. For delivery that survives that, subscribe an outgoing webhook (docs/integrations.md).</para>
/// </remarks>
public sealed class TanagerHooks
{
    private readonly List<Func<MessageDraft, CancellationToken, ValueTask>> _beforeMessage = [];
    private readonly List<Func<MessageDto, CancellationToken, ValueTask>> _messagePosted = [];
    private readonly List<Func<WorkspaceMemberDto, CancellationToken, ValueTask>> _memberJoined = [];
    private readonly List<Func<ChannelMemberDto, CancellationToken, ValueTask>> _channelMemberJoined = [];

    internal TanagerHooks()
    {
    }

    /// <summary>Adds a check that runs before each new message or edit is stored; it may rewrite or reject it.</summary>
    public TanagerHooks BeforeMessage(Func<MessageDraft, CancellationToken, ValueTask> hook) => Add(_beforeMessage, hook);

    /// <summary>Adds a handler of every message posted (thread replies included), as MESSAGE_CREATE carries it.</summary>
    public TanagerHooks OnMessagePosted(Func<MessageDto, CancellationToken, ValueTask> handler) => Add(_messagePosted, handler);

    /// <summary>Adds a handler of every new workspace member (a workspace's creator, bots and webhooks included).</summary>
    public TanagerHooks OnMemberJoined(Func<WorkspaceMemberDto, CancellationToken, ValueTask> handler) => Add(_memberJoined, handler);

    /// <summary>Adds a handler of every new channel member (direct message participants included).</summary>
    public TanagerHooks OnChannelMemberJoined(Func<ChannelMemberDto, CancellationToken, ValueTask> handler) => Add(_channelMemberJoined, handler);

    private TanagerHooks Add<T>(List<T> list, T item, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(item))] string? name = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(item, name);
        list.Add(item);
        return this;
    }

    /// <summary>Runs the before-message hooks; returns the content to store, or throws <c>message_rejected</c>.</summary>
    internal async ValueTask<string> CheckMessageAsync(MessageDraft draft, CancellationToken cancellationToken)
    {
        foreach (var hook in _beforeMessage)
        {
            await hook(draft, cancellationToken);
            if (draft.RejectionReason is { } reason)
            {
                throw new TanagerException(TanagerErrorKind.Forbidden, ErrorCodes.MessageRejected, reason);
            }
        }
        return draft.Content;
    }

    internal bool ChecksMessages => _beforeMessage.Count > 0;

    /// <summary>Runs the handlers of a committed change (<paramref name="eventName"/> as published); failures are logged.</summary>
    internal async ValueTask AfterCommitAsync<T>(string eventName, T data, ILogger logger, CancellationToken cancellationToken)
    {
        switch (eventName)
        {
            case GatewayEvents.MessageCreate when data is MessageDto message:
                await RunAsync(_messagePosted, message, eventName, logger, cancellationToken);
                break;
            case GatewayEvents.WorkspaceMemberAdd when data is WorkspaceMemberDto member:
                await RunAsync(_memberJoined, member, eventName, logger, cancellationToken);
                break;
            case GatewayEvents.ChannelMemberAdd when data is ChannelMemberDto member:
                await RunAsync(_channelMemberJoined, member, eventName, logger, cancellationToken);
                break;
        }
    }

    private static async ValueTask RunAsync<T>(List<Func<T, CancellationToken, ValueTask>> handlers, T data, string eventName, ILogger logger, CancellationToken cancellationToken)
    {
        foreach (var handler in handlers)
        {
            try
            {
                await handler(data, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Log.HookFailed(logger, exception, eventName);
            }
        }
    }
}
