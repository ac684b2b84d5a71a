using System.Collections.Concurrent;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests.Gateway;

/// <summary>
/// Issue 10, Done-when #2: every event is published once per audience and reaches each connection once. Bob's raw gateway
/// connection follows him through everything that used to reach him twice (on his own subject and on the workspace's or
/// channel's): being added, role changes, his profile, joining and leaving channels, being added and kicked, channel
/// updates and deletion. No frame may arrive twice.
/// </summary>
public sealed class SingleDeliveryTests
{
    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task No_event_reaches_a_connection_twice(TestStorage storage)
    {
        await using var server = await TestServer.StartAsync(storage);
        var alice = await server.NewUserAsync("Alice");
        var bob = await server.NewUserAsync("Bob");
        var workspace = await alice.CreateWorkspaceAsync("Alpha");
        var general = await alice.CreateChannelAsync(workspace.Id, "general");

        await using var raw = await RawGatewayClient.ConnectAsync(server.Url);
        await raw.IdentifyAsync(bob.Token!);
        var frames = new ConcurrentQueue<string>();
        var reading = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var frame = await raw.ReadFrameAsync();
                    if (frame.Opcode == Tanager.Transport.WebSockets.Internal.WebSocketOpcode.Close)
                    {
                        return;
                    }
                    frames.Enqueue(frame.Text);
                }
            }
            catch (Exception exception) when (exception is IOException or EndOfStreamException or ObjectDisposedException or InvalidOperationException)
            {
                // The connection ended with the test.
            }
        });

        await alice.AddWorkspaceMemberByIdAsync(workspace.Id, bob.User!.Id);
        await Until(frames, GatewayEvents.WorkspaceMemberAdd);
        await alice.ChangeWorkspaceRoleAsync(workspace.Id, bob.User.Id, "admin");
        await alice.ChangeWorkspaceRoleAsync(workspace.Id, bob.User.Id, "member");
        await bob.UpdateProfileAsync(statusText: "on call");
        await bob.JoinChannelAsync(workspace.Id, general.Id);
        await Until(frames, GatewayEvents.ChannelMemberAdd);
        await alice.PostMessageAsync(workspace.Id, general.Id, "welcome");
        await alice.UpdateChannelAsync(workspace.Id, general.Id, topic: "everything");
        var team = await alice.CreateChannelAsync(workspace.Id, "team", "private");
        await alice.AddChannelMemberAsync(workspace.Id, team.Id, bob.User.Id);
        await Until(frames, team.Id);
        await alice.PostMessageAsync(workspace.Id, team.Id, "private hello");
        await alice.KickChannelMemberAsync(workspace.Id, team.Id, bob.User.Id);
        await bob.LeaveChannelAsync(workspace.Id, general.Id);
        await bob.JoinChannelAsync(workspace.Id, general.Id);
        var doomed = await alice.CreateChannelAsync(workspace.Id, "doomed");
        await bob.JoinChannelAsync(workspace.Id, doomed.Id);
        await alice.DeleteChannelAsync(workspace.Id, doomed.Id);
        var fence = await alice.PostMessageAsync(workspace.Id, general.Id, "fence");
        await Until(frames, fence.Id);

        var dispatches = frames.Where(f => f.StartsWith("{\"op\":0", StringComparison.Ordinal)).ToList();
        foreach (var expected in new[]
        {
            GatewayEvents.WorkspaceMemberAdd, GatewayEvents.WorkspaceMemberUpdate, GatewayEvents.UserUpdate, GatewayEvents.ChannelMemberAdd,
            GatewayEvents.ChannelMemberRemove, GatewayEvents.ChannelUpdate, GatewayEvents.ChannelCreate, GatewayEvents.ChannelDelete, GatewayEvents.MessageCreate,
        })
        {
            Assert.Contains(dispatches, f => f.Contains($"\"t\":\"{expected}\"", StringComparison.Ordinal));
        }
        var twice = dispatches.GroupBy(f => f, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => $"{g.Count()}× {g.Key}").ToList();
        Assert.True(twice.Count == 0, "Received more than once:\n" + string.Join("\n", twice));
        await raw.DisposeAsync();
        await reading;
    }

    private static async Task Until(ConcurrentQueue<string> frames, string text) =>
        Assert.True(await Eventually.Until(() => frames.Any(f => f.Contains(text, StringComparison.Ordinal))), $"Nothing containing {text} arrived.");
}
