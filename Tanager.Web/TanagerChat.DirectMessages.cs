using Tanager.Protocol;

namespace Tanager.Web;

/// <summary>Direct and group messages: listed apart from channels, named after the other people, opened with anyone in the workspace.</summary>
public sealed partial class TanagerChat
{
    /// <summary>The member ids of each workspace the page has opened, for the direct-message picker.</summary>
    private readonly Dictionary<string, List<string>> _members = new(StringComparer.Ordinal);
    private string[] _dmPicks = [];

    private static bool IsConversation(ChannelDto channel) => channel.Kind is "direct" or "group";

    private IEnumerable<ChannelDto> Rooms => WorkspaceChannels.Where(c => !IsConversation(c));

    private IEnumerable<ChannelDto> Conversations => WorkspaceChannels.Where(IsConversation);

    /// <summary>The members of the open workspace, by name.</summary>
    private IEnumerable<UserDto> WorkspaceMembers => _workspaceId is not null && _members.TryGetValue(_workspaceId, out var ids)
        ? ids.Where(_users.ContainsKey).Select(id => _users[id]).OrderBy(u => u.DisplayName, StringComparer.CurrentCultureIgnoreCase)
        : [];

    /// <summary>The other members of the open workspace: whom a direct message can go to.</summary>
    private IEnumerable<UserDto> OtherMembers => WorkspaceMembers.Where(u => u.Id != MyId);

    /// <summary>A channel's name as shown: <c>#name</c>, or for a direct or group message the other participants' names (its own name is internal).</summary>
    private string ChannelLabel(ChannelDto channel)
    {
        if (!IsConversation(channel))
        {
            return "#" + channel.Name;
        }
        var others = (channel.Participants ?? []).Where(p => p != MyId).Select(NameOf).ToList();
        return others.Count > 0 ? string.Join(", ", others) : NameOf(MyId);
    }

    private async Task OpenConversationAsync()
    {
        var picks = _dmPicks.Where(id => id.Length > 0 && id != MyId).Distinct(StringComparer.Ordinal).ToList();
        if (_client is null || _workspaceId is not { } workspaceId || picks.Count == 0)
        {
            return;
        }
        await RunAsync(async () =>
        {
            var channel = await _client.OpenDirectMessageAsync(workspaceId, picks, _disposing.Token);
            AddChannel(channel with { IsMember = true });
            _form = Form.None;
            _dmPicks = [];
            await SelectChannelAsync(channel.Id);
        });
    }

    private void RememberMembers(string workspaceId, IEnumerable<WorkspaceMemberDto> members)
    {
        var ids = new List<string>();
        foreach (var member in members)
        {
            _users[member.User.Id] = member.User;
            ids.Add(member.User.Id);
        }
        _members[workspaceId] = ids;
    }

    private void RememberMember(WorkspaceMemberDto member, bool added)
    {
        if (!_members.TryGetValue(member.WorkspaceId, out var ids))
        {
            return;
        }
        ids.Remove(member.User.Id);
        if (added)
        {
            ids.Add(member.User.Id);
        }
    }
}
