using System.Text.Json;
using NUlid;
using Tanager.Protocol;

namespace Tanager;

/// <summary>The client's own ops after READY: their rate, PRESENCE_UPDATE and TYPING, and the ERROR op.</summary>
public sealed partial class GatewaySession
{
    private bool TakeOpToken()
    {
        var now = _hub.Now;
        _opTokens = Math.Min(OpBurst, _opTokens + (_hub.Time.GetElapsedTime(_opTokensAt, now).TotalSeconds * OpsPerSecond));
        _opTokensAt = now;
        if (_opTokens < 1)
        {
            return false;
        }
        _opTokens--;
        return true;
    }

    private async ValueTask PresenceUpdateAsync(GatewayFrame frame)
    {
        var data = TryRead(frame, TanagerJsonContext.Default.PresenceData);
        if (data is null || !PresenceTracker.TryParse(data.Status, out var status) || status == PresenceTracker.Status.Offline)
        {
            Close(GatewayCloseCodes.DecodeError, "PRESENCE_UPDATE needs d: {\"status\": \"online\" | \"away\" | \"dnd\"}.");
            return;
        }
        if (_presence is not null)
        {
            await _presence.ChooseAsync(status);
        }
    }

    /// <summary>Parses TYPING, forwards it at most every <see cref="TypingInterval"/> per channel, and leaves the rules to Core.</summary>
    private async ValueTask TypingAsync(GatewayFrame frame, CancellationToken cancellationToken)
    {
        var data = TryRead(frame, TanagerJsonContext.Default.TypingData);
        if (data is null || !Ulid.TryParse(data.WorkspaceId, out var workspaceId) || !Ulid.TryParse(data.ChannelId, out var channelId))
        {
            Close(GatewayCloseCodes.DecodeError, "TYPING needs d: {\"workspace_id\": \"…\", \"channel_id\": \"…\"}.");
            return;
        }
        if (_presence is not null)
        {
            await _presence.ActiveAsync();
        }
        var now = _hub.Now;
        _typingForwarded ??= [];
        if (_typingForwarded.TryGetValue(channelId, out var last) && _hub.Time.GetElapsedTime(last, now) < TypingInterval)
        {
            // Renewals come every few seconds; receivers keep the indicator for 5 s, so forwarding more adds nothing.
            return;
        }
        try
        {
            await _hub.Connections.TypingAsync(_caller!, workspaceId, channelId, TypingLifetimeMs, cancellationToken);
        }
        catch (TanagerException exception)
        {
            SendError(exception.Code, exception.Code == ErrorCodes.MissingScope
                ? "TYPING needs a token with the messages:write scope."
                : "No such channel, or you may not post in it.");
            return;
        }
        if (_typingForwarded.Count > 256)
        {
            _typingForwarded.Clear();
        }
        _typingForwarded[channelId] = now;
    }

    private static T? TryRead<T>(GatewayFrame frame, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
        where T : class
    {
        try
        {
            return frame.D.ValueKind == JsonValueKind.Object ? frame.D.Deserialize(typeInfo) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void SendError(string code, string message) =>
        Send(GatewayEnvelope.Serialize(GatewayOpCode.Error, null, new ErrorData { Code = code, Message = message }, TanagerJsonContext.Default.ErrorData));
}
