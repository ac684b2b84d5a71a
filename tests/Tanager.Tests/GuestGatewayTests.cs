using System.Collections.Concurrent;
using Tanager.Client;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>Guests see only the channels they were added to — on the gateway too, where the workspace's events flow.</summary>
public sealed class GuestGatewayTests
{
    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task A_guests_connection_gets_channel_events_only_for_the_channels_they_are_in(TestStorage storage)
    {
        await using var server = await TestServer.StartAsync(storage);
        await using var owner = await server.NewUserAsync("Owner");
        var workspace = await owner.CreateWorkspaceAsync("Acme");
        var shared = await owner.CreateChannelAsync(workspace.Id, "shared");
        await using var guest = await server.NewUserAsync("Guest");
        await owner.AddWorkspaceMemberByIdAsync(workspace.Id, guest.User!.Id, "guest");
        await owner.AddChannelMemberAsync(workspace.Id, shared.Id, guest.User!.Id);
        await using var member = await server.NewUserAsync("Member");
        await owner.AddWorkspaceMemberByIdAsync(workspace.Id, member.User!.Id, "member");

        var guestSaw = new ConcurrentQueue<GatewayDispatch>();
        var memberSaw = new ConcurrentQueue<GatewayDispatch>();
        guest.Gateway.Dispatched += d =>
        {
            guestSaw.Enqueue(d with { Data = d.Data.Clone() });
            return Task.CompletedTask;
        };
        member.Gateway.Dispatched += d =>
        {
            memberSaw.Enqueue(d with { Data = d.Data.Clone() });
            return Task.CompletedTask;
        };
        await guest.Gateway.ConnectAsync().Within();
        await member.Gateway.ConnectAsync().Within();

        var hidden = await owner.CreateChannelAsync(workspace.Id, "members-only");
        await owner.UpdateChannelAsync(workspace.Id, hidden.Id, topic: "not for guests");
        await owner.DeleteChannelAsync(workspace.Id, hidden.Id);
        // Published after the others on the same workspace subject: once it arrives, the others would have too.
        await owner.UpdateChannelAsync(workspace.Id, shared.Id, topic: "for everyone here");

        Assert.True(await Eventually.Until(() => guestSaw.Any(d => d.Type == "CHANNEL_UPDATE" && d.Data.GetRawText().Contains(shared.Id, StringComparison.Ordinal))));
        Assert.True(await Eventually.Until(() => memberSaw.Any(d => d.Type == "CHANNEL_UPDATE" && d.Data.GetRawText().Contains(shared.Id, StringComparison.Ordinal))));
        // The control: a member did hear about the public channel.
        Assert.Contains(memberSaw, d => d.Type == "CHANNEL_CREATE" && d.Data.GetRawText().Contains(hidden.Id, StringComparison.Ordinal));
        Assert.DoesNotContain(guestSaw, d => d.Data.GetRawText().Contains(hidden.Id, StringComparison.Ordinal));
    }
}
