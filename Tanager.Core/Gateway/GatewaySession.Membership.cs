using System.Text.Json;
using NUlid;
using Tanager.Protocol;

namespace Tanager;

/// <summary>What arrives on the user's own subject and changes the session: joins, leaves, role changes and revocations.</summary>
public sealed partial class GatewaySession
{
    /// <summary>Follows the user's own joins and leaves, which arrive on the user subject, to listen to the right subjects.</summary>
    private void ObserveOwnMembership(ReadOnlyMemory<byte> payload)
    {
        using var document = JsonDocument.Parse(payload);
        var root = document.RootElement;
        if (!root.TryGetProperty("t"u8, out var type) || !root.TryGetProperty("d"u8, out var data))
        {
            return;
        }
        var self = UserId?.ToString();
        var eventName = type.GetString();
        if (eventName == GatewayEvents.SessionRevoked)
        {
            if (IsRevoked(data))
            {
                Close(GatewayCloseCodes.AuthenticationFailed, "The session or token was revoked.");
            }
            return;
        }
        var workspaceId = data.TryGetProperty("workspace_id"u8, out var ws) ? ws.GetString() : null;
        if (workspaceId is null || !Ulid.TryParse(workspaceId, out var workspace))
        {
            return;
        }
        var ownUser = data.TryGetProperty("user"u8, out var user) && user.ValueKind == JsonValueKind.Object && user.TryGetProperty("id"u8, out var id) && id.GetString() == self;
        var workspaceSubject = Subjects.Workspace(workspace);
        switch (eventName)
        {
            case GatewayEvents.WorkspaceMemberAdd or GatewayEvents.WorkspaceMemberUpdate when ownUser:
                var guest = data.TryGetProperty("role"u8, out var role) && role.GetString() == "guest";
                lock (_gate)
                {
                    if (guest)
                    {
                        _guestWorkspaces.Add(workspaceSubject);
                    }
                    else
                    {
                        _guestWorkspaces.Remove(workspaceSubject);
                    }
                }
                Track(SubscribeAsync(workspaceSubject, CancellationToken.None));
                break;
            case GatewayEvents.WorkspaceMemberRemove when ownUser:
                // Removed from the workspace: stop following it and every channel in it.
                string[] channels, subjects;
                lock (_gate)
                {
                    _guestWorkspaces.Remove(workspaceSubject);
                    channels = [.. _streams.Values.Where(s => s.WorkspaceId == workspace).Select(s => s.ChannelId)];
                    subjects = [.. _subjects.Where(s => s.StartsWith(workspaceSubject + ".", StringComparison.Ordinal))];
                }
                foreach (var channelId in channels)
                {
                    ForgetChannel(channelId);
                }
                foreach (var subject in subjects)
                {
                    Track(UnsubscribeAsync(subject));
                }
                Track(UnsubscribeAsync(workspaceSubject));
                break;
            case GatewayEvents.ChannelMemberAdd or GatewayEvents.ChannelMemberRemove
                when data.TryGetProperty("user_id"u8, out var userId) && userId.GetString() == self
                    && data.TryGetProperty("channel_id"u8, out var ch) && Ulid.TryParse(ch.GetString(), out var channel):
                if (eventName == GatewayEvents.ChannelMemberAdd)
                {
                    lock (_gate)
                    {
                        _memberChannels.Add(channel.ToString());
                    }
                    Track(SubscribeAsync(Subjects.Channel(workspace, channel), CancellationToken.None));
                }
                else
                {
                    ForgetChannel(channel.ToString());
                    Track(UnsubscribeAsync(Subjects.Channel(workspace, channel)));
                }
                break;
        }
    }

    private bool IsRevoked(JsonElement revocation)
    {
        if (revocation.TryGetProperty("all"u8, out var all) && all.ValueKind == JsonValueKind.True)
        {
            return true;
        }
        if (_credentialId is null || !revocation.TryGetProperty("session_ids"u8, out var ids) || ids.ValueKind != JsonValueKind.Array)
        {
            return false;
        }
        foreach (var id in ids.EnumerateArray())
        {
            if (id.ValueEquals(_credentialId))
            {
                return true;
            }
        }
        return false;
    }
}
