using Tanager.Client;
using Tanager.Protocol;

namespace Tanager.Tests.Infrastructure;

/// <summary>A workspace with one public channel and some members who joined it: the common starting point of tests.</summary>
public sealed record ChatRoom(TanagerClient Owner, WorkspaceDto Workspace, ChannelDto Channel, IReadOnlyList<TanagerClient> Members)
{
    public static async Task<ChatRoom> CreateAsync(TestServer server, int members)
    {
        var owner = await server.NewUserAsync("Owner");
        var workspace = await owner.CreateWorkspaceAsync("Acme");
        var channel = await owner.CreateChannelAsync(workspace.Id, "general");
        var joined = new List<TanagerClient>();
        for (var i = 0; i < members; i++)
        {
            var member = await server.NewUserAsync();
            await owner.AddWorkspaceMemberByIdAsync(workspace.Id, member.User!.Id);
            await member.JoinChannelAsync(workspace.Id, channel.Id);
            joined.Add(member);
        }
        return new ChatRoom(owner, workspace, channel, joined);
    }

    public Task<MessageDto> PostAsync(string content) => Owner.PostMessageAsync(Workspace.Id, Channel.Id, content);
}
